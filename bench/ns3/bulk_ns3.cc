/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bulk_ns3.cc - bench/bulk.c's transfer in ns-3 (3.37): one TCP connection
 * carries N bytes (default 1 GiB) over a 1 Gbit/s link with 1 ms of delay,
 * and the time the simulation takes is measured.
 *
 * Two nodes joined by a point-to-point link (1 Gbit/s, 1 ms, MTU 1500),
 * 192.0.2.1 and 192.0.2.2. A BulkSendApplication on the first sends MaxBytes
 * to a PacketSink on the second, port 80. TCP as netstep's lessons have it:
 * 1448-byte segments (MSS 1460 less the timestamp option), SACK, window
 * scaling and timestamps on (ns-3's defaults), 4 MiB send and receive
 * buffers so the window never limits the transfer (the path holds 250 KB).
 * The traffic control layer is left as ns-3 installs it. ns-3 computes no
 * checksums by default (netstep computes and checks every one); left so.
 *
 * Prints "key value" lines for bench_bulk: bytes (what the sink received),
 * sim_s (simulated time when the last byte arrived), wall_s and cpu_s (of
 * Simulator::Run), events.
 *
 *   bulk_ns3 [--bytes N]
 */
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

using namespace ns3;

namespace {

double
NowSeconds(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

uint64_t g_received = 0;
uint64_t g_want = 0;
double g_done_s = -1;

void
SinkRx(Ptr<const Packet> p, const Address&)
{
    g_received += p->GetSize();
    if (g_received >= g_want && g_done_s < 0)
    {
        g_done_s = Simulator::Now().GetSeconds();
        Simulator::Stop();  // the sender's FIN and TIME-WAIT are not the transfer
    }
}

} // namespace

int
main(int argc, char** argv)
{
    uint64_t bytes = 1ull << 30;
    for (int i = 1; i < argc; i++)
    {
        if (std::strcmp(argv[i], "--bytes") == 0 && i + 1 < argc)
            bytes = std::strtoull(argv[++i], nullptr, 10);
        else
        {
            std::fprintf(stderr, "usage: bulk_ns3 [--bytes N]\n");
            return 2;
        }
    }
    if (bytes == 0)
    {
        std::fprintf(stderr, "bulk_ns3: --bytes wants a positive number\n");
        return 2;
    }
    g_want = bytes;

    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(4 << 20));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(4 << 20));

    NodeContainer nodes;
    nodes.Create(2);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    p2p.SetDeviceAttribute("Mtu", UintegerValue(1500));
    p2p.SetChannelAttribute("Delay", StringValue("1ms"));
    NetDeviceContainer devs = p2p.Install(nodes);
    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper addr;
    addr.SetBase("192.0.2.0", "255.255.255.0");
    Ipv4InterfaceContainer ifs = addr.Assign(devs);

    BulkSendHelper send("ns3::TcpSocketFactory", InetSocketAddress(ifs.GetAddress(1), 80));
    send.SetAttribute("MaxBytes", UintegerValue(bytes));
    send.SetAttribute("SendSize", UintegerValue(64 * 1024));
    ApplicationContainer tx = send.Install(nodes.Get(0));
    tx.Start(Seconds(0.0));
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 80));
    ApplicationContainer rx = sink.Install(nodes.Get(1));
    rx.Start(Seconds(0.0));
    rx.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&SinkRx));

    double w0 = NowSeconds(CLOCK_MONOTONIC), c0 = NowSeconds(CLOCK_PROCESS_CPUTIME_ID);
    Simulator::Run();
    double wall = NowSeconds(CLOCK_MONOTONIC) - w0;
    double cpu = NowSeconds(CLOCK_PROCESS_CPUTIME_ID) - c0;

    std::printf("bytes %llu\n", static_cast<unsigned long long>(g_received));
    std::printf("sim_s %.6f\n", g_done_s);
    std::printf("wall_s %.6f\n", wall);
    std::printf("cpu_s %.6f\n", cpu);
    std::printf("events %llu\n", static_cast<unsigned long long>(Simulator::GetEventCount()));
    std::fflush(stdout);
    Simulator::Destroy();
    return g_received >= bytes ? 0 : 1;
}
