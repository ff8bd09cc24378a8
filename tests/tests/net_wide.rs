//! Wide addressing through the real `aether` binary and firmware (docs/isa.md, "Addresses
//! and inboxes"): a run of wide images puts every station on the network, so node 69,999
//! of a 1000x70 mesh and node 0 exchange a message and a reply; a wide `open` faults past
//! inbox 255; images of both addressings in one scenario are refused. Expected times come
//! from docs/network.md's store-and-forward formula and the default instruction costs.

use aether_tests::cosim_support;

use aether_tests::{packet_bits, serialization_fs};
use cosim_support::{aether, cost, costs, log, report, scenario};

const WIDE_PING: &str = "
.addressing wide
.msg PING = 1
.msg PONG = 2
.data
buf: .space 6
.code
.entry idle
.entry far
.entry zero
idle:
    halt
far:                    ; PING [buf, 2 words] to node 0, reply-to this node's inbox 0
    push buf
    push 2
    push PING
    push 0              ; node 0, inbox 0
    nodeid
    push ADDR_SHIFT
    shl
    send
    push -1
    wait
    drop
    push buf
    push 2
    push 0
    recv
    loadi buf+1
    loadi buf
    push 8
    emit 3              ; [len, src, type] of the reply
    halt
zero:                   ; answers the PING with an empty PONG to its reply-to word
    push -1
    wait
    drop
    push buf
    push 2
    push 0
    recv
    drop
    push buf
    push 0
    push PONG
    loadi buf+2
    push -1
    send
    loadi buf+2
    loadi buf+1
    push 7
    emit 2              ; [reply-to word, src] of the PING
    halt
";

const PERIOD: u64 = 1_000_000;
const BANDWIDTH: u64 = 10_000_000_000;
const LATENCY: u64 = 10_000_000;
const ROUTER: u64 = 2_000_000;
const NIC_LATENCY: u64 = 5_000_000;
const FAR: u64 = 69_999;
/// XY hops from (999, 69) to (0, 0) on the 1000x70 mesh, the same both ways.
const HOPS: u64 = 999 + 69;

/// docs/network.md, store-and-forward with no contention:
/// `t_send + k × (R + S + L) + nic_latency`.
fn delivered(t_send: u64, words: u64) -> u64 {
    let s = serialization_fs(packet_bits(words), BANDWIDTH);
    t_send + HOPS * (ROUTER + s + LATENCY) + NIC_LATENCY
}

/// The first edge at or after `time` and after a `wait` that issued at `issue`.
fn resume(time: u64, wait_issue: u64) -> u64 {
    time.div_ceil(PERIOD).max(wait_issue + cost("wait"))
}

#[test]
fn far_nodes_of_a_wide_run_exchange_a_message_and_a_reply() {
    let text = "[programs.p]\nsources = [\"w.s\"]\n\
                [defaults]\nprogram = \"p\"\nmemory = 8\nentry = \"idle\"\n\
                [[nodes]]\nid = 0\nentry = \"zero\"\n\
                [[nodes]]\ncount = 69998\n\
                [[nodes]]\nid = 69999\nentry = \"far\"\n\
                [network]\nnic_latency = \"5 ns\"\n\
                [network.topology]\nkind = \"mesh\"\nwidth = 1000\nheight = 70\n\
                [network.link]\nbandwidth = \"10 Gbit/s\"\nlatency = \"10 ns\"\nrouter = \"2 ns\"\n";
    let (_dir, path) = scenario("wide.toml", text, &[("w.s", WIDE_PING)]);
    let r = report(&path, &[], 0);
    let nic_word = u64::from(aether_isa::TimingProfile::default().nic_word);

    let ping_send = costs(&["push", "push", "push", "push", "nodeid", "push", "shl"]);
    let ping_at = delivered(ping_send * PERIOD, 2);
    let zero_resume = resume(ping_at, cost("push"));
    let pong_send = zero_resume
        + costs(&["drop", "push", "push", "push"])
        + cost("recv")
        + 2 * nic_word
        + costs(&["drop", "push", "push", "push", "loadi", "push"]);
    let zero_emit = pong_send + cost("send") + costs(&["loadi", "loadi", "push"]);
    let pong_at = delivered(pong_send * PERIOD, 0);
    let far_wait = ping_send + cost("send") + 2 * nic_word + cost("push");
    let far_emit = resume(pong_at, far_wait)
        + costs(&["drop", "push", "push", "push"])
        + cost("recv")
        + costs(&["loadi", "loadi", "push"]);
    // The reply-to word is (69,999 << 8) | 0 = 17,919,744: past the 16 bits of a
    // narrow node field.
    assert_eq!(
        log(&r),
        vec![
            (0, zero_emit * PERIOD, 7, vec![17_919_744, FAR]),
            (FAR, far_emit * PERIOD, 8, vec![0, 0, 2]),
        ]
    );
    let net = r["network"]["nodes"].as_array().expect("network nodes");
    assert_eq!(net.len(), 70_000);
    assert_eq!(net[FAR as usize]["received"].as_u64(), Some(1));
    assert_eq!(net[0]["received"].as_u64(), Some(1));
}

#[test]
fn a_wide_open_past_inbox_255_faults_with_its_place() {
    // Inboxes 1 to 255 fit a wide address word's 8-bit inbox field; the 256th `open`
    // (code address 7, line 11) faults.
    let program = ".addressing wide
main:
    push 255
.loop:
    open
    drop
    addi -1
    dup
    jnz .loop
    drop
    open
    halt
";
    let text = "[programs.p]\nsources = [\"o.s\"]\n[[nodes]]\nprogram = \"p\"\n";
    let (_dir, path) = scenario("open.toml", text, &[("o.s", program)]);
    let r = report(&path, &[], 1);
    let faults = r["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1);
    let fault = &faults[0];
    assert_eq!(fault["node"].as_u64(), Some(0));
    assert_eq!(fault["kind"], "nic");
    assert_eq!(fault["pc"].as_u64(), Some(7));
    let issue = cost("push") + 255 * costs(&["open", "drop", "addi", "dup", "jnz"]) + cost("drop");
    assert_eq!(fault["time_fs"].as_u64(), Some(issue * PERIOD));
    let source = fault["source"].as_str().expect("source");
    assert!(source.ends_with("o.s:11:5"), "{source}");
    let message = fault["message"].as_str().expect("message");
    assert!(
        message.contains("every inbox id a wide address word holds"),
        "{message}"
    );
}

#[test]
fn images_of_both_addressings_in_one_scenario_are_refused() {
    let text = "[programs.narrow]\nsources = [\"n.s\"]\n[programs.wide]\nsources = [\"w.s\"]\n\
                [[nodes]]\nprogram = \"narrow\"\n[[nodes]]\nprogram = \"wide\"\n";
    let files = [
        ("n.s", "main: halt\n"),
        ("w.s", ".addressing wide\nmain: halt\n"),
    ];
    let (_dir, path) = scenario("mixed.toml", text, &files);
    let out = aether(&["run", path.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`narrow` has narrow addressing and `wide` wide"),
        "{stderr}"
    );
}
