/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scale_ns3.cc - the world of bench/scale.c built in ns-3 (3.37), for the
 * comparison issue 4 asks for: memory per host and CPU time per flow.
 *
 * The same picture, site by site (see bench/scale.c's header):
 *
 *     100 hosts 192.0.2.1-100 --- switch swN --- rN --- srvN 198.51.100.1
 *     (default via 192.0.2.254)       192.0.2.254  198.51.100.254
 *
 * ns-3 has no switch device of its own: as in its csma-bridge example, a
 * switch is a node whose CSMA devices (one two-ended CSMA channel per cable)
 * are joined by a BridgeNetDevice, a learning bridge. Cables: 50 us on the
 * LAN, 500 us from router to server, as netstep's; ns-3's links need a data
 * rate where netstep's have none, so 100 Gbit/s (a 100-byte frame takes
 * 8 ns). The router-server cable is point to point (PPP framing, no ARP),
 * not CSMA: ns-3's CSMA medium stays busy for the whole propagation delay,
 * so a 500 us CSMA cable carries one frame per 500 us, its device queue
 * fills and the traffic control layer drops what no longer fits, silently.
 * Routing is static (Ipv4StaticRouting only): the hosts' and
 * the server's default routes, the router's connected networks. The sites
 * reuse the same addresses, as netstep's do; addresses are set on the
 * interfaces directly, not through Ipv4AddressHelper, which refuses to hand
 * out an address twice in one process.
 *
 * Traffic, as bench/scale.c's: host j of every site starts at j * 2 ms,
 * sends one 32-byte UDP datagram to its server's port 9, then connects to
 * port 80, sends 64 bytes and closes. The server counts the datagrams,
 * accepts, reads to end of file, checks it got 64 bytes and closes. The run
 * ends when the last TIME-WAIT (2 MSL = 240 s in ns-3 as in netstep) runs
 * out. Sockets are used directly, with callbacks, as netstep's bench uses its
 * socket calls. ns-3 computes no checksums by default (netstep does); that
 * is left as ns-3 ships.
 *
 * Measured as in bench/scale.c: VmRSS and malloc'd bytes (mallinfo2) after
 * the world is built (nodes, devices, stacks, routes, sockets not yet)
 * minus before, per end host; CPU and wall time of Simulator::Run() per
 * flow (2 per host). One line per figure on stdout, "key value", for
 * bench_scale to read; bench_scale runs this program as a child process.
 *
 *   scale_ns3 --sites N [--build-only]   (default 10 sites)
 *
 * --build-only builds the world, prints its memory figures (hosts, rss_kib,
 * heap_bytes) and stops: bench_scale's memory rows at 10,000 and 100,000
 * hosts, where running the traffic too would take minutes.
 */
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "ns3/bridge-module.h"
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

using namespace ns3;

namespace
{

const unsigned kHostsPerSite = 100;
const unsigned kSitesMax = 1000;
const uint16_t kUdpPort = 9;
const uint16_t kTcpPort = 80;
const uint32_t kDatagramLen = 32;
const uint32_t kRequestLen = 64;

double
NowSeconds(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long
RssKib()
{
    FILE* f = fopen("/proc/self/status", "r");
    if (f == nullptr)
        return -1;
    char line[256];
    long v = -1;
    while (fgets(line, sizeof line, f) != nullptr)
        if (sscanf(line, "VmRSS: %ld kB", &v) == 1)
            break;
    fclose(f);
    return v;
}

size_t
HeapInUse()
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

struct Counts
{
    unsigned udpOk = 0;    // datagrams the servers received
    unsigned tcpOk = 0;    // connections whose whole request arrived, then EOF
    unsigned failed = 0;   // connections refused or reset
};

Counts g_counts;

struct Site
{
    Ptr<Node> sw, router, server;
    NodeContainer hosts;
};

// One interface on node for dev, with addr/prefix, up.
uint32_t
AddInterface(Ptr<Node> node, Ptr<NetDevice> dev, const char* addr, const char* mask)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    int32_t i = ipv4->AddInterface(dev);
    ipv4->AddAddress(i, Ipv4InterfaceAddress(Ipv4Address(addr), Ipv4Mask(mask)));
    ipv4->SetMetric(i, 1);
    ipv4->SetUp(i);
    return (uint32_t)i;
}

void
BuildSite(Site& st, InternetStackHelper& stack, Ipv4StaticRoutingHelper& srh)
{
    CsmaHelper lan;
    lan.SetChannelAttribute("DataRate", DataRateValue(DataRate("100Gbps")));
    lan.SetChannelAttribute("Delay", TimeValue(MicroSeconds(50)));
    PointToPointHelper wan;
    wan.SetDeviceAttribute("DataRate", DataRateValue(DataRate("100Gbps")));
    wan.SetChannelAttribute("Delay", TimeValue(MicroSeconds(500)));

    st.sw = CreateObject<Node>();
    st.router = CreateObject<Node>();
    st.server = CreateObject<Node>();
    st.hosts.Create(kHostsPerSite);
    stack.Install(st.router);
    stack.Install(st.server);
    stack.Install(st.hosts);

    NetDeviceContainer swPorts;
    // router -- switch
    NetDeviceContainer rl = lan.Install(NodeContainer(st.router, st.sw));
    swPorts.Add(rl.Get(1));
    AddInterface(st.router, rl.Get(0), "192.0.2.254", "255.255.255.0");
    // router -- server
    NetDeviceContainer rs = wan.Install(NodeContainer(st.router, st.server));
    AddInterface(st.router, rs.Get(0), "198.51.100.254", "255.255.255.0");
    uint32_t si = AddInterface(st.server, rs.Get(1), "198.51.100.1", "255.255.255.0");
    srh.GetStaticRouting(st.server->GetObject<Ipv4>())
        ->SetDefaultRoute(Ipv4Address("198.51.100.254"), si);
    // hosts -- switch
    for (unsigned j = 0; j < kHostsPerSite; j++)
    {
        Ptr<Node> h = st.hosts.Get(j);
        NetDeviceContainer hl = lan.Install(NodeContainer(h, st.sw));
        swPorts.Add(hl.Get(1));
        std::string a = "192.0.2." + std::to_string(j + 1);
        uint32_t hi = AddInterface(h, hl.Get(0), a.c_str(), "255.255.255.0");
        srh.GetStaticRouting(h->GetObject<Ipv4>())
            ->SetDefaultRoute(Ipv4Address("192.0.2.254"), hi);
    }
    BridgeHelper bridge;
    bridge.Install(st.sw, swPorts);
}

// --- the server ------------------------------------------------------------

void
ServerUdpRecv(Ptr<Socket> s)
{
    Ptr<Packet> p;
    while ((p = s->Recv()))
        if (p->GetSize() == kDatagramLen)
            g_counts.udpOk++;
}

struct Conn
{
    uint32_t got = 0;   // request bytes read
    bool done = false;  // counted (closed by the peer, or failed)
};

// Every connection's count, kept to the end: a callback may still name one.
std::vector<std::unique_ptr<Conn>> g_conns;

std::vector<Ptr<Socket>> g_sockets;  // keeps every socket alive to the end

void
ServerTcpRecv(Conn* c, Ptr<Socket> s)
{
    // At end of file ns-3's TCP hands out empty packets, not null.
    Ptr<Packet> p;
    while ((p = s->Recv()) && p->GetSize() > 0)
        c->got += p->GetSize();
}

// The peer's FIN: the request is whole or it is not; close our side next
// (after TCP has acknowledged the FIN), as netstep's server does.
void
ServerPeerClosed(Conn* c, Ptr<Socket> s)
{
    ServerTcpRecv(c, s);
    if (c->done)
        return;
    c->done = true;
    if (c->got == kRequestLen)
        g_counts.tcpOk++;
    Simulator::ScheduleNow(&Socket::Close, s);
}

void
ServerPeerError(Conn* c, Ptr<Socket>)
{
    if (c->done)
        return;
    c->done = true;
    g_counts.failed++;
}

void
ServerAccepted(Ptr<Socket> s, const Address&)
{
    g_conns.push_back(std::make_unique<Conn>());
    Conn* c = g_conns.back().get();
    s->SetRecvCallback(MakeBoundCallback(&ServerTcpRecv, c));
    s->SetCloseCallbacks(MakeBoundCallback(&ServerPeerClosed, c),
                         MakeBoundCallback(&ServerPeerError, c));
    g_sockets.push_back(s);
}

bool
AcceptAll(Ptr<Socket>, const Address&)
{
    return true;
}

void
ServerStart(Ptr<Node> srv)
{
    Ptr<Socket> u = Socket::CreateSocket(srv, UdpSocketFactory::GetTypeId());
    u->Bind(InetSocketAddress(Ipv4Address::GetAny(), kUdpPort));
    u->SetRecvCallback(MakeCallback(&ServerUdpRecv));
    Ptr<Socket> t = Socket::CreateSocket(srv, TcpSocketFactory::GetTypeId());
    t->Bind(InetSocketAddress(Ipv4Address::GetAny(), kTcpPort));
    t->Listen();
    t->SetAcceptCallback(MakeCallback(&AcceptAll), MakeCallback(&ServerAccepted));
    g_sockets.push_back(u);
    g_sockets.push_back(t);
}

// --- a client --------------------------------------------------------------

void
ClientConnected(Ptr<Socket> s)
{
    uint8_t req[kRequestLen];
    memset(req, 'q', sizeof req);
    s->Send(req, sizeof req, 0);
    s->Close();  // FIN once the request is sent
}

void
ClientFailed(Ptr<Socket>)
{
    g_counts.failed++;
}

void
ClientStart(Ptr<Node> h)
{
    const Ipv4Address srv("198.51.100.1");
    static const uint8_t hello[kDatagramLen] = "one datagram across the router";
    Ptr<Socket> u = Socket::CreateSocket(h, UdpSocketFactory::GetTypeId());
    u->SendTo(hello, sizeof hello, 0, InetSocketAddress(srv, kUdpPort));
    u->Close();
    Ptr<Socket> t = Socket::CreateSocket(h, TcpSocketFactory::GetTypeId());
    t->SetConnectCallback(MakeCallback(&ClientConnected), MakeCallback(&ClientFailed));
    t->Connect(InetSocketAddress(srv, kTcpPort));
    g_sockets.push_back(t);
}

} // namespace

int
main(int argc, char** argv)
{
    unsigned sites = 10;
    bool build_only = false;
    for (int i = 1; i < argc; i++)
    {
        if (strcmp(argv[i], "--sites") == 0 && i + 1 < argc)
            sites = (unsigned)strtoul(argv[++i], nullptr, 10);
        else if (strcmp(argv[i], "--build-only") == 0)
            build_only = true;
        else
        {
            fprintf(stderr, "usage: scale_ns3 [--sites N] [--build-only]   (1..%u, default 10)\n",
                    kSitesMax);
            return 2;
        }
    }
    if (sites < 1 || sites > kSitesMax)
    {
        fprintf(stderr, "scale_ns3: --sites must be 1..%u\n", kSitesMax);
        return 2;
    }

    // ns-3's ARP holds 3 packets per neighbour it is resolving, as netstep's
    // did: a router resolving its server while hosts start 2 ms apart drops
    // datagrams there. netstep now holds Linux's 212992 bytes; give ns-3 room
    // for every first packet too, so both do the same work.
    Config::SetDefault("ns3::ArpCache::PendingQueueSize", UintegerValue(1000));

    long rss0 = RssKib();
    size_t heap0 = HeapInUse();
    InternetStackHelper stack;
    Ipv4StaticRoutingHelper srh;
    stack.SetRoutingHelper(srh);
    std::vector<Site> world(sites);
    for (auto& st : world)
        BuildSite(st, stack, srh);
    long rss1 = RssKib();
    size_t heap1 = HeapInUse();

    const unsigned hosts = sites * kHostsPerSite;
    if (build_only)
    {
        printf("hosts %u\n", hosts);
        printf("rss_kib %ld\n", rss1 - rss0);
        printf("heap_bytes %.0f\n", (double)heap1 - (double)heap0);
        fflush(stdout);
        _exit(0);  // the world's teardown is not measured, and takes long
    }
    for (auto& st : world)
        ServerStart(st.server);
    for (unsigned j = 0; j < kHostsPerSite; j++)
        for (auto& st : world)
            Simulator::Schedule(MilliSeconds(2 * j), &ClientStart, st.hosts.Get(j));

    double w0 = NowSeconds(CLOCK_MONOTONIC), c0 = NowSeconds(CLOCK_PROCESS_CPUTIME_ID);
    Simulator::Run();
    double wall = NowSeconds(CLOCK_MONOTONIC) - w0;
    double cpu = NowSeconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    long rss2 = RssKib();

    printf("hosts %u\n", hosts);
    printf("flows %u\n", 2 * hosts);
    printf("udp_ok %u\n", g_counts.udpOk);
    printf("tcp_ok %u\n", g_counts.tcpOk);
    printf("failed %u\n", g_counts.failed);
    printf("rss_kib %ld\n", rss1 - rss0);
    printf("heap_bytes %.0f\n", (double)heap1 - (double)heap0);
    printf("rss_after_kib %ld\n", rss2 - rss0);
    printf("wall_s %.6f\n", wall);
    printf("cpu_s %.6f\n", cpu);
    printf("events %llu\n", (unsigned long long)Simulator::GetEventCount());
    printf("sim_s %.6f\n", Simulator::Now().GetSeconds());
    fflush(stdout);
    g_sockets.clear();
    Simulator::Destroy();
    return g_counts.udpOk == hosts && g_counts.tcpOk == hosts ? 0 : 1;
}
