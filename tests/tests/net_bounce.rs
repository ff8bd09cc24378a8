//! Return to sender and never-reused inbox ids, through the real `aether` binary and
//! firmware (`programs/examples/net-bounce`). Expected records follow docs/isa.md's
//! "Return to sender": type | 0x8000_0000, source = the bouncing node, reply-to = -1,
//! same payload; a message without a reply-to is dropped and counted.

use aether_tests::cosim_support;

use aether_tests::workspace_root;
use cosim_support::{example, log, report, scenario};

const IDS: u64 = 10;
const BOUNCED: u64 = 11;
const NO_ADDRESS: u64 = 0xFFFF_FFFF;
/// Message type ids of bounce.s.
const PROBE_A: u64 = 2;
const PROBE_B: u64 = 3;
const PROBE_UNKNOWN: u64 = 4;
const PROBE_DROPPED: u64 = 5;
const PROBE_C: u64 = 6;

/// (returned?, type, source, reply-to, length, payload) of a probe bounced by node 1.
fn bounced(msg_type: u64) -> Vec<u64> {
    vec![1, msg_type, 1, NO_ADDRESS, 1, 200 + msg_type]
}

#[test]
fn closed_and_unknown_inboxes_return_to_sender_and_ids_are_never_reused() {
    let r = report(
        &workspace_root().join("programs/examples/net-bounce/bounce.toml"),
        &[],
        0,
    );
    let records = log(&r);
    let ids: Vec<_> = records.iter().filter(|l| l.2 == IDS).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!((ids[0].0, ids[0].3.clone()), (1, vec![1, 2, 3, 4]));
    let returned: Vec<Vec<u64>> = records
        .iter()
        .filter(|l| l.2 == BOUNCED)
        .map(|l| {
            assert_eq!(l.0, 0, "the client emits the returned probes");
            l.3.clone()
        })
        .collect();
    // Probes bounce in the order they reach node 1; the one left in inbox C bounces
    // when the server closes C, after the others.
    assert_eq!(
        returned,
        vec![
            bounced(PROBE_A),
            bounced(PROBE_B),
            bounced(PROBE_UNKNOWN),
            bounced(PROBE_C)
        ]
    );
    let net = &r["network"];
    assert_eq!(net["drops"]["undeliverable"].as_u64(), Some(1));
    assert_eq!(net["nodes"][1]["bounced"].as_u64(), Some(4));
    assert_eq!(net["nodes"][0]["returned"].as_u64(), Some(4));
    for (t, returned) in [
        (PROBE_A, 1),
        (PROBE_B, 1),
        (PROBE_UNKNOWN, 1),
        (PROBE_DROPPED, 0),
        (PROBE_C, 1),
    ] {
        let stats = &net["types"][t.to_string()];
        assert_eq!(stats["sent"].as_u64(), Some(1), "type {t}");
        assert_eq!(stats["delivered"].as_u64(), Some(u64::from(t == PROBE_C)));
        assert_eq!(stats["returned"].as_u64(), Some(returned), "type {t}");
    }
}

#[test]
fn returned_messages_are_charged_on_the_links_like_any_packet() {
    // The same exchange among 9 nodes (7 idle) whose link pair 0 <-> 1 is a class of
    // its own: the returned probes travel back over 1 -> 0 as ordinary packets.
    let text = format!(
        "[programs.bounce]\nsources = [\"{}\"]\n\
         [programs.idle]\nsources = [\"idle.s\"]\n\
         [[nodes]]\nid = 0\nprogram = \"bounce\"\nentry = \"client\"\n\
         [[nodes]]\nid = 1\nprogram = \"bounce\"\nentry = \"server\"\n\
         [[nodes]]\ncount = 7\nprogram = \"idle\"\n\
         [[network.links]]\nfrom = 0\nto = 1\nclass = \"slow\"\n\
         [network.classes.slow]\nbandwidth = \"100 Mbit/s\"\n",
        example("net-bounce/bounce.s")
    );
    let (_dir, path) = scenario("bounce.toml", &text, &[("idle.s", "main: halt\n")]);
    let r = report(&path, &[], 0);
    let returned: Vec<u64> = log(&r)
        .iter()
        .filter(|l| l.2 == BOUNCED)
        .map(|l| l.3[1])
        .collect();
    assert_eq!(returned, vec![PROBE_A, PROBE_B, PROBE_UNKNOWN, PROBE_C]);
    let slow: Vec<_> = r["network"]["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter(|l| l["class"] == "slow")
        .map(|l| l["packets"].as_u64().unwrap())
        .collect();
    // 0 -> 1 carries the five probes, 1 -> 0 the INFO message and four returns.
    assert_eq!(slow, vec![5, 5]);
}
