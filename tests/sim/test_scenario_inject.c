/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_inject.c - the `inject` statement: every layer and field
 * parses and prints back to an equal scenario; bad lines are refused with
 * FILE:LINE:COL; defaults come from where the frame goes (a crafted SYN
 * from alice's side of the link is answered by bob's listener, a switch
 * end takes the MAC of the host that owns the address); a frame sent
 * `into` a host is not on the wire; deliberate damage is dropped for the
 * right reason; the frame's cause is its step. `replay` puts a capture's
 * frames on a link at their recorded times.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/scenario_helpers.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"

#define WORLD                     \
    "host alice 192.0.2.1/24\n"   \
    "host bob 192.0.2.2/24\n"     \
    "link alice bob delay 1ms\n"

#define LISTEN "bob: s = socket tcp\nbob: bind s 80\nbob: listen s\n"

/* Every field of every layer, printed back and parsed again. */
START_TEST(test_every_field_round_trips)
{
    struct scenario *scn = scenario_parse_ok(
        WORLD
        "inject on alice bob eth src 02:00:00:00:00:09 dst ff:ff:ff:ff:ff:ff type 0x0800 ipv4 "
        "src 192.0.2.9 dst bob ttl 1 tos 16 id 77 rf df mf frag 1480 proto 6 len 40 ihl 6 "
        "version 4 options 07030400 csum bad tcp sport 4444 dport 80 flags SAFRPUEW seq 1000 "
        "ack 2000 win 512 urg 3 off 9 reserved 2 mss 1460 nop eol wscale 7 sackok "
        "sack 1:2 ts 5 6 opt fe0401 nopad csum 0x1234 \"hi\\n\"\n"
        "inject on alice bob to alice arp reply sha 02:00:00:00:00:07 spa bob tha "
        "02:00:00:00:00:08 tpa 192.0.2.1 htype 6 ptype 0x86dd hlen 5 plen 16\n"
        "inject into bob arp op 9\n"
        "inject into bob ipv4 udp sport 1 dport 2 len 3 csum none bytes 10\n"
        "inject into bob ipv4 fragment 8 16 mf udp sport 1 dport 2 hex 01020304050607080910111213141516\n"
        "inject into bob ipv4 fragment 16 udp sport 1 dport 2 csum bad bytes 20\n"
        "inject on alice bob ipv4 icmp unreach needfrag mtu 576 csum 7 quote whole ipv4 "
        "src bob dst 198.51.100.7 tcp sport 80 dport 4444 flags A seq 5\n"
        "inject on alice bob ipv4 icmp exceeded reassembly quote ipv4 udp sport 1 dport 2\n"
        "inject on alice bob ipv4 icmp reply id 3 seq 4 \"pong\"\n"
        "inject on alice bob ipv4 icmp type 13 code 1 rest 99\n"
        "inject on alice bob eth type 0x88b5 hex 00ff\n"
        "at 2s inject on alice bob ipv4 tcp sport 1 dport 2 flags none\n");
    ck_assert_uint_eq(scn->n_steps, 12);
    for (size_t i = 0; i < scn->n_steps; i++)
        ck_assert_int_eq(scn->steps[i].kind, SCN_STEP_INJECT);
    scenario_assert_round_trip(scn);
    char *text = scenario_print_string(scn);
    ck_assert_ptr_nonnull(strstr(text, "flags SFRPAUEW"));
    ck_assert_ptr_nonnull(strstr(text, "inject on alice bob to alice arp reply"));
    ck_assert_ptr_nonnull(strstr(text, "mf fragment 8 16 udp"));
    /* a different field is a different scenario */
    struct scenario *other = scenario_parse_ok(WORLD "inject into bob arp op 8\n");
    struct scenario *one = scenario_parse_ok(WORLD "inject into bob arp op 9\n");
    ck_assert(!scenario_equal(one, other));
    scenario_free(one);
    scenario_free(other);
    free(text);
    scenario_free(scn);
}
END_TEST

/* `on alice-bob`, the link's name in the trace, is the same link as
 * `on alice bob`; a second link of the pair is "/2". */
START_TEST(test_link_by_its_trace_name)
{
    struct scenario *a = scenario_parse_ok(
        "host alice 192.0.2.1/24 198.51.100.1/24\nhost bob 192.0.2.2/24 198.51.100.2/24\n"
        "link alice:eth0 bob:eth0\nlink alice:eth1 bob:eth1\n"
        "inject on alice-bob to alice ipv4 udp sport 1 dport 2\n"
        "inject on alice-bob/2 ipv4 udp sport 1 dport 2\n");
    struct scenario *b = scenario_parse_ok(
        "host alice 192.0.2.1/24 198.51.100.1/24\nhost bob 192.0.2.2/24 198.51.100.2/24\n"
        "link alice:eth0 bob:eth0\nlink alice:eth1 bob:eth1\n"
        "inject on alice:eth0 bob:eth0 to alice ipv4 udp sport 1 dport 2\n"
        "inject on alice:eth1 bob:eth1 ipv4 udp sport 1 dport 2\n");
    ck_assert(scenario_equal(a, b));
    scenario_free(a);
    scenario_free(b);
}
END_TEST

/* repeat copies what the step owns (payload, quote) */
START_TEST(test_repeat_copies_the_frame)
{
    struct scenario *scn = scenario_parse_ok(
        WORLD "repeat 3 {\ninject on alice bob ipv4 icmp unreach port quote ipv4 udp sport 1 "
              "dport 2 \"x\"\n}\n");
    ck_assert_uint_eq(scn->n_steps, 3);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
}
END_TEST

static const struct {
    const char *text;
    const char *error;
} bad_injects[] = {
    { WORLD "inject\n", "t.scn:4:8: error: inject needs where the frame goes: 'on A B [to B]' "
                        "(a link) or 'into HOST' (as if from the wire)" },
    { WORLD "inject on alice carol ipv4\n", "t.scn:4:17: error: unknown host 'carol'" },
    { WORLD "inject on alice bob to carol ipv4\n", "t.scn:4:24: error: unknown host 'carol'" },
    /* `to` after either way of naming the link: missing, or not one of its ends */
    { WORLD "inject on alice bob to\n", "t.scn:4:21: error: to needs one of the link's ends" },
    { WORLD "inject on alice-bob to\n", "t.scn:4:21: error: to needs one of the link's ends" },
    { WORLD "inject on alice-bob to carol ipv4\n", "t.scn:4:24: error: unknown host 'carol'" },
    { WORLD "host carol 192.0.2.3/24\ninject on alice bob to carol ipv4\n",
      "t.scn:5:24: error: 'carol' is not an end of that link" },
    { WORLD "host carol 192.0.2.3/24\ninject on alice-bob to carol ipv4\n",
      "t.scn:5:24: error: 'carol' is not an end of that link" },
    /* replay names its link the same way (parse_link_on()) */
    { WORLD "replay \"x.pcap\" on alice\n",
      "t.scn:4:17: error: on needs the link's two ends, as 'link' writes them" },
    { WORLD "host carol 192.0.2.3/24\nreplay \"x.pcap\" on alice-bob to carol\n",
      "t.scn:5:33: error: 'carol' is not an end of that link" },
    { WORLD "inject on alice bob\n", "t.scn:4:1: error: inject needs the frame's layers, like "
                                     "'ipv4 dst bob tcp sport 4444 dport 80 flags S'" },
    { WORLD "inject into bob ipv4 ttl 300\n", "t.scn:4:26: error: ttl 300 is more than 255" },
    { WORLD "inject into bob ipv4 frag 12\n",
      "t.scn:4:27: error: a fragment offset is a multiple of 8 bytes [RFC 791 3.1]" },
    { WORLD "inject into bob ipv4 tcp sport 1 dport 2 flags SX\n",
      "t.scn:4:49: error: 'X' is not a TCP flag (S F R P A or . U E W; or none)" },
    { WORLD "inject into bob ipv4 tcp dport 2\n",
      "t.scn:4:32: error: tcp needs 'sport N' and 'dport N'" },
    { WORLD "inject into bob ipv4 tcp sport 1 dport 2 ts 1 2 ts 1 2 ts 1 2 ts 1 2 ts 1 2\n",
      "t.scn:4:1: error: cannot build this frame: TCP options take more than 40 bytes" },
    { WORLD "inject into bob eth src 02:00:00:00:00 ipv4\n",
      "t.scn:4:25: error: bad MAC address '02:00:00:00:00' (write six hex pairs, like "
      "02:00:00:00:00:09)" },
    { WORLD "inject into bob ipv4 tcp sport 1 dport 2 sack 5-6\n",
      "t.scn:4:47: error: SACK blocks are LEFT:RIGHT,LEFT:RIGHT, found '5-6'" },
    { WORLD "inject into bob ipv4 udp sport 1 dport 2 hex 0g\n",
      "t.scn:4:47: error: 'g' is not a hex digit" },
    { WORLD "inject into bob ipv4 udp sport 1 dport 2 hex 012\n",
      "t.scn:4:46: error: an odd number of hex digits: write whole bytes" },
    { WORLD "inject into bob ipv4 tcp sport 1 dport 2 csum none\n",
      "t.scn:4:47: error: only UDP may leave its checksum out (csum none); write 'csum bad' or "
      "'csum N'" },
    { WORLD "inject into bob ipv4 udp sport 1 dport 2 tcp sport 1 dport 2\n",
      "t.scn:4:42: error: 'tcp' cannot come here: the layers go eth, then arp or ipv4, then "
      "icmp, udp or tcp, then the payload" },
    { WORLD "inject into bob ipv4 ttl 1 bogus 2\n",
      "t.scn:4:28: error: unknown ipv4 field 'bogus' (src, dst, ttl, tos, id, df, mf, rf, frag, "
      "fragment, proto, len, ihl, version, options, csum)" },
    { WORLD "inject into bob ipv4 icmp unreach port quote udp\n",
      "t.scn:4:40: error: quote needs the quoted datagram after it: 'quote ipv4 ... tcp ...'" },
    { WORLD "inject into bob ipv4 icmp quote eth ipv4\n",
      "t.scn:4:27: error: quote needs the quoted datagram after it: 'quote ipv4 ... tcp ...'" },
    { WORLD "inject into bob ipv4 fragment 64 8 udp sport 1 dport 2\n",
      "t.scn:4:1: error: cannot build this frame: the fragment starts past the end of the "
      "transport" },
    { "host alice 192.0.2.1/24\nswitch sw\nlink alice sw\ninject into sw ipv4\n",
      "t.scn:4:13: error: a frame goes into a host's interface, not into a switch: write "
      "'inject on HOST sw to sw ...'" },
    { "host alice 192.0.2.1/24\nswitch sw\nlink alice sw\ninject on alice sw to sw ipv4 udp "
      "sport 1 dport 2\n",
      "t.scn:4:1: error: the frame goes into a switch, which has no address: write the ipv4 dst "
      "it is for" },
    { "host alice 192.0.2.1/24\nswitch sw\nlink alice sw\ninject on alice sw to alice arp\n",
      "t.scn:4:1: error: the frame comes out of a switch, which has no address: write the arp "
      "spa it is from" },
    { "host alice 192.0.2.1/24\nswitch sw\nlink alice sw\ninject into alice ipv4 udp sport 1 "
      "dport 2\n",
      "t.scn:4:1: error: no host is at the other end of alice's link to lend the frame its "
      "source: write the ipv4 src" },
    { WORLD "inject into bob:eth3 ipv4\n", "t.scn:4:17: error: bob has no interface 'eth3' (it has eth0)" },
    /* each layer's unknown-field error lists all its fields */
    { WORLD "inject into bob eth bogus ipv4\n",
      "t.scn:4:21: error: unknown eth field 'bogus' (src, dst, type)" },
    { WORLD "inject into bob arp bogus\n",
      "t.scn:4:21: error: unknown arp field 'bogus' (request, reply, op, sha, spa, tha, tpa, "
      "htype, ptype, hlen, plen)" },
    { WORLD "inject into bob ipv4 icmp bogus\n",
      "t.scn:4:27: error: unknown icmp field 'bogus' (echo, reply, unreach CODE, exceeded, type, "
      "code, id, seq, mtu, rest, csum, quote)" },
    { WORLD "inject into bob ipv4 udp sport 1 dport 2 bogus\n",
      "t.scn:4:42: error: unknown udp field 'bogus' (sport, dport, len, csum)" },
    { WORLD "inject into bob ipv4 tcp sport 1 dport 2 bogus\n",
      "t.scn:4:42: error: unknown tcp field 'bogus' (sport, dport, seq, ack, win, urg, flags, off, "
      "reserved, mss, nop, eol, wscale, sackok, sack, ts, opt, nopad, csum)" },
    /* a field's range is its width on the wire (or the field's own limit) */
    { WORLD "inject into bob eth type 65536 ipv4\n",
      "t.scn:4:26: error: type 65536 is more than 65535" },
    { WORLD "inject into bob arp hlen 256\n", "t.scn:4:26: error: hlen 256 is more than 255" },
    { WORLD "inject into bob ipv4 udp sport 65536 dport 2\n",
      "t.scn:4:32: error: sport 65536 is more than 65535" },
    { WORLD "inject into bob ipv4 tcp sport 1 dport 2 seq 4294967296\n",
      "t.scn:4:46: error: seq 4294967296 is more than 4294967295" },
    { WORLD "inject into bob ipv4 ihl 16\n", "t.scn:4:26: error: ihl 16 is more than 15" },
    { WORLD "inject into bob ipv4 tcp sport 1 dport 2 off 0x10\n",
      "t.scn:4:46: error: off 0x10 is more than 15" },
    { WORLD "inject into bob ipv4 icmp rest 0x100000000\n",
      "t.scn:4:32: error: rest 0x100000000 is more than 4294967295" },
    { WORLD "inject into bob ipv4 frag 65536\n",
      "t.scn:4:27: error: frag 65536 is more than 65528" },
    { WORLD "inject into bob ipv4 fragment 8 65536 udp sport 1 dport 2\n",
      "t.scn:4:33: error: fragment length 65536 is more than 65535" },
    { WORLD "inject into bob ipv4 icmp unreach 256\n",
      "t.scn:4:35: error: unreach code 256 is more than 255" },
    /* a field with nothing after it, or not a number */
    { WORLD "inject into bob ipv4 ttl\n", "t.scn:4:22: error: ttl needs a value after it" },
    { WORLD "inject into bob ipv4 tos x\n",
      "t.scn:4:26: error: tos must be a whole number, found 'x'" },
    { WORLD "inject into bob ipv4 icmp unreach\n",
      "t.scn:4:27: error: unreach needs its code: net, host, proto, port, needfrag or a number" },
    { WORLD "inject into bob ipv4 options\n",
      "t.scn:4:22: error: options needs hex bytes after it, like 07030400" },
    { WORLD "inject into bob ipv4 tcp sport 1 dport 2 flags\n",
      "t.scn:4:42: error: flags needs letters after it, like S, SA, FPU or none" },
    { WORLD "inject into bob ipv4 tcp sport 1 dport 2 nop nop nop nop nop nop nop nop nop nop "
            "nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop "
            "nop nop nop nop nop nop nop nop nop nop\n",
      "t.scn:4:202: error: too many TCP options" },
};

START_TEST(test_inject_errors)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", bad_injects[_i].text, &d);

    ck_assert_ptr_null(scn);
    ck_assert_str_eq(d.first, bad_injects[_i].error);
}
END_TEST

/* A SYN crafted on alice's side, with only the ports and flags written:
 * MACs, addresses, lengths and checksums are the link's and right, so bob's
 * listener answers it; alice, who never sent it, resets the SYN-ACK. */
START_TEST(test_crafted_syn_is_answered)
{
    struct scenario_run *run = scenario_run_text(
        WORLD LISTEN
        "inject on alice bob ipv4 tcp sport 4444 dport 80 flags S seq 1000 win 512 mss 1460\n"
        "sleep 100ms\n"
        "expect packets tcp from alice flags S == 1\n"
        "expect packets tcp from bob flags SA == 1\n"
        "expect packets tcp from alice flags R == 1\n"
        "expect bob counter tcp.rx >= 2\n");
    scenario_assert_expects(run, 4);
    scenario_output_has(run, "=> #1 IP 192.0.2.1.4444 > 192.0.2.2.80: Flags [S], seq 1000, "
                             "win 512, options [mss 1460], length 0");
    scenario_run_free(run);
}
END_TEST

/* `into` skips the wire: nothing is counted on the link, the host still
 * answers. `to alice` turns the direction around. */
START_TEST(test_into_a_host_and_to_the_first_end)
{
    struct scenario_run *run = scenario_run_text(
        WORLD LISTEN
        "inject into bob ipv4 src alice tcp sport 4444 dport 80 flags S\n"
        "sleep 100ms\n"
        "expect packets tcp from alice flags S == 0\n"
        "expect packets tcp from bob flags SA == 1\n"
        "alice: u = socket udp\nalice: bind u 7\n"
        "inject on alice bob to alice ipv4 udp sport 9 dport 7 \"hi\"\n"
        "alice: recvfrom u 10 timeout 1s -> got\n"
        "expect got == \"hi\"\n"
        "expect packets udp from bob == 1\n");
    scenario_assert_expects(run, 4);
    scenario_run_free(run);
}
END_TEST

/* Damage lands where asked and is dropped for that reason. */
START_TEST(test_bad_checksums_are_dropped_for_that_reason)
{
    struct scenario_run *run = scenario_run_text(
        WORLD LISTEN
        "bob: u = socket udp\nbob: bind u 7\n"
        "inject on alice bob ipv4 udp sport 9 dport 7 csum bad \"x\"\n"
        "inject on alice bob ipv4 csum bad udp sport 9 dport 7 \"x\"\n"
        "inject on alice bob ipv4 tcp sport 1 dport 80 flags S csum bad\n"
        "inject on alice bob ipv4 icmp echo csum bad\n"
        "inject on alice bob ipv4 udp sport 9 dport 7 csum none \"ok\"\n"
        "sleep 100ms\n"
        "expect bob counter drop.UDP_BAD_CSUM == 1\n"
        "expect bob counter drop.IPV4_BAD_CSUM == 1\n"
        "expect bob counter drop.TCP_BAD_CSUM == 1\n"
        "expect bob counter drop.ICMP_BAD_CSUM == 1\n"
        "bob: recvfrom u 10 timeout 0ms -> got\n"
        "expect got == \"ok\"\n");
    scenario_assert_expects(run, 5);
    scenario_run_free(run);
}
END_TEST

/* Two fragments built from one datagram reassemble into it. */
START_TEST(test_fragments_of_one_datagram_reassemble)
{
    struct scenario_run *run = scenario_run_text(
        WORLD
        "bob: u = socket udp\nbob: bind u 7\n"
        "inject on alice bob ipv4 id 5 fragment 16 udp sport 9 dport 7 \"0123456789abcdef\"\n"
        "inject on alice bob ipv4 id 5 fragment 0 16 mf udp sport 9 dport 7 "
        "\"0123456789abcdef\"\n"
        "bob: recvfrom u 100 timeout 1s -> got\n"
        "expect got == \"0123456789abcdef\"\n");
    scenario_assert_expects(run, 1);
    scenario_run_free(run);
}
END_TEST

/* On a switch: the frame enters the switch port, which forwards it to the
 * host that owns the destination address (its MAC is the default). */
START_TEST(test_through_a_switch)
{
    struct scenario_run *run = scenario_run_text(
        "host alice 192.0.2.1/24\nhost bob 192.0.2.2/24\nhost mallory 192.0.2.66/24\n"
        "switch sw\nlink alice sw\nlink bob sw\nlink mallory sw\n"
        "bob: u = socket udp\nbob: bind u 7\n"
        "alice: a = socket udp\nalice: bind a 7\n"
        "inject on mallory sw to sw ipv4 src alice dst bob udp sport 9 dport 7 \"spoof\"\n"
        "bob: recvfrom u 10 timeout 1s -> got\n"
        "expect got == \"spoof\"\n"
        "alice: recvfrom a 10 timeout 0ms -> none\n"
        "expect alice a error == EAGAIN\n");
    scenario_assert_expects(run, 2);
    scenario_run_free(run);
}
END_TEST

/* An ICMP error's quote defaults to a datagram from the error's
 * destination back to its source: here bob's own TCP segment to alice, so
 * bob's ICMP layer takes it as about a datagram he sent. */
START_TEST(test_quote_defaults_to_the_destinations_datagram)
{
    struct scenario_run *run = scenario_run_text(
        WORLD "inject on alice bob ipv4 icmp unreach needfrag mtu 1200 quote ipv4 tcp sport 80 "
              "dport 4444 flags A\n"
              "sleep 10ms\n"
              "expect bob counter icmp.rx == 1\n");
    scenario_assert_expects(run, 1);
    scenario_output_has(run, "ICMP 192.0.2.1 unreachable - need to frag (mtu 1200), length 36");
    scenario_run_free(run);
}
END_TEST

/* The hostile-frame regression test written with inject
 * (tests/data/hostile/hostile.scn, the twin of tests/stack/test_hostile.c):
 * every defence holds, each shown by its own expect. */
START_TEST(test_hostile_frames_scenario)
{
    struct scenario_run *run = scenario_run_file(NETSTEP_TEST_DATA "/hostile/hostile.scn");
    scenario_assert_expects(run, 23);
    scenario_run_free(run);
}
END_TEST

/* A pcap file (microsecond) of two UDP frames from a stranger's MAC, 1.5 ms
 * apart, written by hand: the test's own bytes, not netstep's. */
static void
write_pcap(char *path)
{
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "wb");
    ck_assert_ptr_nonnull(f);
    static const uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
                                     0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0 };
    fwrite(hdr, 1, sizeof hdr, f);
    /* Ethernet from 02:00:00:00:00:99 to alice's default MAC, IPv4 192.0.2.2 >
     * 192.0.2.1 UDP 9 > 7 "hi", checksums right (tshark agrees) */
    static const uint8_t frame[44] = {
        0x02, 0, 0, 0, 1, 1, 0x02, 0, 0, 0, 0, 0x99, 0x08, 0x00,
        0x45, 0, 0, 30, 0, 0, 0, 0, 64, 17, 0xf6, 0xcb, 192, 0, 2, 2, 192, 0, 2, 1,
        0, 9, 0, 7, 0, 10, 0x13, 0x5d, 'h', 'i' };
    for (int i = 0; i < 2; i++) {
        uint32_t rec[4] = { 10, (uint32_t)(500000 + 1500 * i), sizeof frame, sizeof frame };
        for (int k = 0; k < 4; k++) {  /* little-endian, as the magic says */
            uint8_t le[4] = { (uint8_t)rec[k], (uint8_t)(rec[k] >> 8), (uint8_t)(rec[k] >> 16),
                              (uint8_t)(rec[k] >> 24) };
            fwrite(le, 1, 4, f);
        }
        fwrite(frame, 1, sizeof frame, f);
    }
    ck_assert_int_eq(fclose(f), 0);
}

/* replay parses, prints back, is copied by repeat, and puts the frames on
 * the link 1.5 ms apart; a stranger's MAC goes toward `to`. */
START_TEST(test_replay_parses_runs_and_round_trips)
{
    char path[] = "/tmp/netstep-replay-XXXXXX";
    write_pcap(path);
    static char text[2048];
    ck_assert_int_gt(snprintf(text, sizeof text,
                              WORLD "alice: u = socket udp\nalice: bind u 7\n"
                                    "replay \"%s\" on bob alice\n"
                                    "alice: recvfrom u 10 timeout 1s -> one\n"
                                    "expect one == \"hi\"\n"
                                    "expect time == 1ms\n"
                                    "alice: recvfrom u 10 timeout 1s -> two\n"
                                    "expect time == 2500us\n"
                                    "expect packets udp from bob == 2\n",
                              path),
                     0);
    struct scenario *scn = scenario_parse_ok(text);
    scenario_assert_round_trip(scn);
    char *printed = scenario_print_string(scn);
    ck_assert_ptr_nonnull(strstr(printed, "\" on alice bob to alice\n"));
    free(printed);
    scenario_free(scn);
    struct scenario_run *run = scenario_run_text(text);
    scenario_assert_expects(run, 4);
    scenario_output_has(run, "=> 2 frames over 0.001500 s");
    scenario_run_free(run);
    ck_assert_int_gt(snprintf(text, sizeof text, WORLD "repeat 2 {\nreplay \"%s\"\n}\n", path),
                     0);
    scn = scenario_parse_ok(text);
    ck_assert_uint_eq(scn->n_steps, 2);
    scenario_assert_round_trip(scn);
    scenario_free(scn);
    unlink(path);
}
END_TEST

static Suite *
inject_suite(void)
{
    Suite *s = suite_create("sim/scenario_inject");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_every_field_round_trips);
    tcase_add_test(tc, test_repeat_copies_the_frame);
    tcase_add_test(tc, test_link_by_its_trace_name);
    tcase_add_loop_test(tc, test_inject_errors, 0,
                        (int)(sizeof bad_injects / sizeof bad_injects[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_add_test(tc, test_crafted_syn_is_answered);
    tcase_add_test(tc, test_into_a_host_and_to_the_first_end);
    tcase_add_test(tc, test_bad_checksums_are_dropped_for_that_reason);
    tcase_add_test(tc, test_fragments_of_one_datagram_reassemble);
    tcase_add_test(tc, test_through_a_switch);
    tcase_add_test(tc, test_quote_defaults_to_the_destinations_datagram);
    tcase_add_test(tc, test_hostile_frames_scenario);
    tcase_add_test(tc, test_replay_parses_runs_and_round_trips);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(inject_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
