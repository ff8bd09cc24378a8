//! The network part of the report through the real `aether` binary: aether's message
//! report by type name (from the images' `.msg` tables) in `--json`, and the compact
//! traffic tables of the human summary (docs/report.md).

use aether_tests::cosim_support;

use aether_tests::workspace_root;
use cosim_support::{aether, report};

fn example(rel: &str) -> std::path::PathBuf {
    workspace_root().join("programs/examples").join(rel)
}

#[test]
fn the_json_report_counts_messages_by_name() {
    let r = report(&example("net-order/order.toml"), &[], 0);
    // 15 senders x 40 one-word messages of 160 + 32 bits.
    let want = serde_json::json!([
        { "type": 1, "name": "DATA", "sent": 600, "bits": 600 * 192, "delivered": 600, "returned": 0 }
    ]);
    assert_eq!(r["messages"], want);

    let r = report(&example("net-bounce/bounce.toml"), &[], 0);
    let rows: Vec<(u64, &str, u64, u64)> = r["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["type"].as_u64().unwrap(),
                m["name"].as_str().unwrap(),
                m["sent"].as_u64().unwrap(),
                m["returned"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (1, "INFO", 1, 0),
            (2, "PROBE_A", 1, 1),
            (3, "PROBE_B", 1, 1),
            (4, "PROBE_UNKNOWN", 1, 1),
            (5, "PROBE_DROPPED", 1, 0),
            (6, "PROBE_C", 1, 1),
        ]
    );
}

#[test]
fn the_summary_shows_messages_by_name_and_the_busiest_links() {
    let out = aether(&["run", example("net-order/order.toml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.contains("network: 600 messages sent, 600 delivered, 0 returned to sender"),
        "{text}"
    );
    let data = text
        .lines()
        .find(|l| l.contains("DATA"))
        .expect("a DATA row");
    let fields: Vec<&str> = data.split_whitespace().collect();
    assert_eq!(fields, vec!["1", "DATA", "600", "600", "0", "14400"]);
    // The busiest link carries every packet from rows 1..3 into node 0: 480 of them.
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains("links by utilization"))
        .expect("a links table");
    let busiest: Vec<&str> = lines[header + 2].split_whitespace().collect();
    assert_eq!(&busiest[..5], &["4", "->", "0", "link", "480"]);
    assert!(text.contains("nodes by traffic"), "{text}");
}
