/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine_ns3.cc - bench/engine.c's two workloads on ns-3's event engine
 * (3.37), with the scheduler named on the command line.
 *
 *   hold    pop the earliest event, schedule a new one at now + an
 *           exponential increment (mean 1 ms); N pending
 *   timers  N connections, each a stream of segments (as hold) and a
 *           retransmission timer that every segment re-arms to now + 4 ms
 *           the way TcpSocketBase does: EventId::Cancel() and a new
 *           Simulator::Schedule() (a cancelled event stays in the scheduler
 *           and is skipped when its time comes)
 *
 * The increments come from the same generator, with the same seed, as
 * bench/engine.c's. Events are plain functions (MakeEvent through
 * Simulator::Schedule), the cheapest kind ns-3 has. The run goes on until
 * a tenth of N_OPS events (or segments) have run (warm-up), then times
 * N_OPS more with Simulator::Stop() called from the event that completes
 * them, in CPU time of the process; best of three runs, each with a fresh
 * simulator. Prints one line,
 * "ns_per_event X", for bench_engine to read.
 *
 *   engine_ns3 --scheduler map|heap|calendar|priority|list
 *              --workload hold|timers --pending N --ops N
 */
#include <time.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ns3/core-module.h"

using namespace ns3;

namespace {

constexpr double kMeanGapNs = 1000000.0;
constexpr uint64_t kRtoNs = 4000000;
constexpr int kRepeats = 3;

uint64_t rng_x = 1;

// The same generator as bench/engine.c's gap_ns().
uint64_t
GapNs()
{
    rng_x = rng_x * 6364136223846793005ull + 1442695040888963407ull;
    double u = static_cast<double>((rng_x >> 11) + 1) / 9007199254740993.0;
    return 1 + static_cast<uint64_t>(-std::log(u) * kMeanGapNs);
}

uint64_t counted = 0;    // events (hold) or segments (timers) run
uint64_t stop_at = 0;    // Simulator::Stop() when counted reaches it
uint64_t fired = 0;      // timers that ran out

void
Count()
{
    if (++counted == stop_at)
        Simulator::Stop();
}

void
HoldEvent()
{
    Count();
    Simulator::Schedule(NanoSeconds(GapNs()), &HoldEvent);
}

struct Conn
{
    EventId timer;
};

void
TimerFires(Conn*)
{
    fired++;
}

void
SegmentEvent(Conn* c)
{
    Count();
    c->timer.Cancel();
    c->timer = Simulator::Schedule(NanoSeconds(kRtoNs), &TimerFires, c);
    Simulator::Schedule(NanoSeconds(GapNs()), &SegmentEvent, c);
}

double
CpuS()
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

} // namespace

int
main(int argc, char** argv)
{
    std::string sched = "map";
    std::string workload = "hold";
    unsigned long pending = 1000;
    unsigned long long ops = 2000000;
    for (int i = 1; i + 1 < argc; i += 2)
    {
        if (std::strcmp(argv[i], "--scheduler") == 0)
            sched = argv[i + 1];
        else if (std::strcmp(argv[i], "--workload") == 0)
            workload = argv[i + 1];
        else if (std::strcmp(argv[i], "--pending") == 0)
            pending = std::strtoul(argv[i + 1], nullptr, 10);
        else if (std::strcmp(argv[i], "--ops") == 0)
            ops = std::strtoull(argv[i + 1], nullptr, 10);
        else
        {
            std::fprintf(stderr, "engine_ns3: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    std::string type;
    if (sched == "map")
        type = "ns3::MapScheduler";
    else if (sched == "heap")
        type = "ns3::HeapScheduler";
    else if (sched == "calendar")
        type = "ns3::CalendarScheduler";
    else if (sched == "priority")
        type = "ns3::PriorityQueueScheduler";
    else if (sched == "list")
        type = "ns3::ListScheduler";
    else
    {
        std::fprintf(stderr, "engine_ns3: unknown scheduler %s\n", sched.c_str());
        return 2;
    }
    if (workload != "hold" && workload != "timers")
    {
        std::fprintf(stderr, "engine_ns3: unknown workload %s\n", workload.c_str());
        return 2;
    }
    if (pending == 0 || ops < 10)
    {
        std::fprintf(stderr, "engine_ns3: --pending and --ops want positive numbers\n");
        return 2;
    }

    double best = INFINITY;
    for (int r = 0; r < kRepeats; r++)
    {
        rng_x = 1;
        counted = 0;
        fired = 0;
        ObjectFactory factory;
        factory.SetTypeId(type);
        Simulator::SetScheduler(factory);
        std::vector<Conn> conns(workload == "timers" ? pending : 0);
        for (unsigned long i = 0; i < pending; i++)
        {
            if (workload == "hold")
                Simulator::Schedule(NanoSeconds(GapNs()), &HoldEvent);
            else
                Simulator::Schedule(NanoSeconds(GapNs()), &SegmentEvent, &conns[i]);
        }
        stop_at = ops / 10;
        Simulator::Run();
        stop_at = counted + ops;
        double t0 = CpuS();
        Simulator::Run();
        double t = CpuS() - t0;
        if (counted != stop_at)
        {
            std::fprintf(stderr, "engine_ns3: ran %llu, wanted %llu\n",
                         static_cast<unsigned long long>(counted),
                         static_cast<unsigned long long>(stop_at));
            return 1;
        }
        if (t < best)
            best = t;
        std::printf("run %d %.2f\n", r + 1, t * 1e9 / static_cast<double>(ops));
        Simulator::Destroy();
    }
    std::printf("ns_per_event %.2f\n", best * 1e9 / static_cast<double>(ops));
    std::printf("timers_fired %llu\n", static_cast<unsigned long long>(fired));
    return 0;
}
