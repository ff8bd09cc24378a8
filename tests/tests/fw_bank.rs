//! The bank example (`programs/examples/bank`, transactional handlers of `txn.s`) through the
//! real `aether` binary over many seeds: under random handler failures (proc_fail,
//! txn_abort, txn_assert, exit) no money is lost or made and no transfer is applied twice.
//! The test replays each branch's log in order with its own balances and checks every
//! refusal, the audited books, the abort counts and the messages sent against it.

use std::collections::BTreeMap;

use aether_tests::cosim_support::{log, report};
use aether_tests::fw_support;
use aether_tests::workspace_root;

/// `bank.s`: the bank's shape, abort codes and log tags.
const BRANCHES: u64 = 3;
const ACCTS: u64 = 4;
const INITIAL: i64 = 1000;
const TRANSFERS: u64 = 3 * 12;
const E_FUNDS: u64 = 1;
const E_INJECTED: u64 = 2;
const TAG_DEBIT: u64 = 1;
const TAG_CREDIT: u64 = 2;
const TAG_ABORT: u64 = 3;
const TAG_DONE: u64 = 4;
const TAG_REFUSED: u64 = 5;
const TAG_AUDIT: u64 = 6;
const TAG_END: u64 = 7;
/// `txn.s`: the abort code of a handler whose process ended (proc_fail, exit).
const TXN_E_ENDED: u64 = 0xA11;

/// The branch node of an account.
fn branch(account: u64) -> u64 {
    1 + account / ACCTS
}

/// A transfer as the teller logged it.
#[derive(Debug, Clone, Copy)]
struct Transfer {
    from: u64,
    to: u64,
    amount: i64,
    attempts: u64,
    done: bool,
}

/// Aborts seen, by (point, code).
type Aborts = BTreeMap<(u64, u64), u64>;

/// Checks one run against the replay of its log; returns the aborts by (point, code).
fn check(r: &serde_json::Value, seed: u64) -> Aborts {
    assert_eq!(r["faults"].as_array().map(Vec::len), Some(0), "seed {seed}");
    assert_eq!(
        r["nodes"][0]["state"], "halted",
        "seed {seed}: the teller finished"
    );
    let records = log(r);
    let mut transfers: BTreeMap<u64, Transfer> = BTreeMap::new();
    for (node, _, tag, v) in &records {
        let t = match *tag {
            TAG_DONE => Transfer {
                from: v[1],
                to: v[2],
                amount: v[3] as i64,
                attempts: v[4],
                done: true,
            },
            TAG_REFUSED => Transfer {
                from: v[1],
                to: u64::MAX,
                amount: v[2] as i64,
                attempts: v[3],
                done: false,
            },
            _ => continue,
        };
        assert_eq!(*node, 0);
        assert!(
            transfers.insert(v[0], t).is_none(),
            "seed {seed}: transfer {} settled twice",
            v[0]
        );
    }
    assert_eq!(
        transfers.keys().copied().collect::<Vec<_>>(),
        (0..TRANSFERS).collect::<Vec<_>>(),
        "seed {seed}: every transfer settled once"
    );
    // Replay: each branch's records in log order (a branch handles one message at a time).
    let mut balance = vec![INITIAL; (BRANCHES * ACCTS) as usize];
    let mut debited: BTreeMap<u64, u64> = BTreeMap::new();
    let mut credited: BTreeMap<u64, u64> = BTreeMap::new();
    let mut aborts = Aborts::new();
    let mut retries: BTreeMap<u64, u64> = BTreeMap::new();
    let mut applied = vec![0u64; BRANCHES as usize + 1];
    let mut aborted = vec![0u64; BRANCHES as usize + 1];
    let mut audits = Vec::new();
    let mut end = None;
    for (node, _, tag, v) in &records {
        let node = *node;
        let t = transfers.get(&v[0]);
        match *tag {
            TAG_DEBIT => {
                let t = t.expect("a debit of a known transfer");
                assert!(t.done, "seed {seed}: refused transfer {} debited", v[0]);
                assert_eq!(
                    (node, v[1], v[2] as i64),
                    (branch(t.from), t.from, t.amount)
                );
                let b = &mut balance[t.from as usize];
                assert!(*b >= t.amount, "seed {seed}: debit beyond the balance");
                *b -= t.amount;
                *debited.entry(v[0]).or_default() += 1;
                applied[node as usize] += 1;
            }
            TAG_CREDIT => {
                let t = t.expect("a credit of a known transfer");
                assert_eq!(
                    debited.get(&v[0]),
                    Some(&1),
                    "seed {seed}: credit before its debit"
                );
                assert_eq!((node, v[1], v[2] as i64), (branch(t.to), t.to, t.amount));
                balance[t.to as usize] += t.amount;
                *credited.entry(v[0]).or_default() += 1;
                applied[node as usize] += 1;
            }
            TAG_ABORT => {
                let t = t.expect("an abort of a known transfer");
                let (code, point) = (v[1], v[2]);
                match (point, code) {
                    (1, E_FUNDS) => {
                        assert!(!t.done, "seed {seed}: a done transfer was refused");
                        assert!(
                            balance[t.from as usize] < t.amount,
                            "seed {seed}: transfer {} refused with the funds there",
                            v[0]
                        );
                    }
                    (1, E_INJECTED | TXN_E_ENDED) => {
                        assert_eq!(node, branch(t.from));
                        *retries.entry(v[0]).or_default() += 1;
                    }
                    (2, E_INJECTED | TXN_E_ENDED) => assert_eq!(node, branch(t.to)),
                    other => panic!("seed {seed}: unexpected abort {other:?}"),
                }
                *aborts.entry((point, code)).or_default() += 1;
                aborted[node as usize] += 1;
            }
            TAG_AUDIT => audits.push(v.clone()),
            TAG_END => end = Some(v[0]),
            _ => {}
        }
    }
    let done: Vec<u64> = transfers
        .iter()
        .filter(|(_, t)| t.done)
        .map(|(&id, _)| id)
        .collect();
    for (id, t) in &transfers {
        let once = u64::from(t.done);
        assert_eq!(
            debited.get(id).copied().unwrap_or(0),
            once,
            "seed {seed}: {id}"
        );
        assert_eq!(
            credited.get(id).copied().unwrap_or(0),
            once,
            "seed {seed}: {id}"
        );
        // Every attempt but the last was an injected debit failure (a refusal is the last).
        assert_eq!(
            retries.get(id).copied().unwrap_or(0),
            t.attempts - 1,
            "seed {seed}: {id}"
        );
    }
    assert_eq!(end, Some(done.len() as u64), "seed {seed}");
    assert_eq!(audits.len() as u64, BRANCHES, "seed {seed}");
    for a in &audits {
        let node = a[0];
        let first = ((node - 1) * ACCTS) as usize;
        let books: Vec<i64> = a[1..5].iter().map(|&w| w as i64).collect();
        assert_eq!(books, balance[first..first + 4], "seed {seed}: node {node}");
        assert_eq!(
            a[5], applied[node as usize],
            "seed {seed}: node {node} applied"
        );
        assert_eq!(
            a[6], applied[node as usize],
            "seed {seed}: node {node} commits"
        );
        assert_eq!(
            a[7], aborted[node as usize],
            "seed {seed}: node {node} aborts"
        );
    }
    let total: i64 = audits
        .iter()
        .flat_map(|a| a[1..5].iter().map(|&w| w as i64))
        .sum();
    assert_eq!(total, INITIAL * (BRANCHES * ACCTS) as i64, "seed {seed}");
    // Held sends: only committed debits sent their DEPOSIT; every attempt got one answer.
    let attempts: u64 = transfers.values().map(|t| t.attempts).sum();
    assert_eq!(fw_support::count(r, "DEPOSIT", "sent"), done.len() as u64);
    assert_eq!(fw_support::count(r, "TRANSFER", "sent"), attempts);
    assert_eq!(
        fw_support::count(r, "RPC_DONE", "sent"),
        attempts + BRANCHES,
        "seed {seed}: one answer per attempt and per audit"
    );
    aborts
}

#[test]
fn no_money_is_lost_or_made_under_injected_handler_failures() {
    let scenario = workspace_root().join("programs/examples/bank/bank.toml");
    let mut all = Aborts::new();
    for seed in 1..=24u64 {
        // The run ends by itself near 30 us; the limit turns a hang into a failed check.
        let r = report(
            &scenario,
            &["--seed", &seed.to_string(), "--until", "2 ms"],
            0,
        );
        for (key, n) in check(&r, seed) {
            *all.entry(key).or_default() += n;
        }
    }
    // Every failure point fired: the debit's proc_fail and txn_abort, the credit's
    // txn_assert and exit, and the funds check.
    for key in [
        (1, E_FUNDS),
        (1, E_INJECTED),
        (1, TXN_E_ENDED),
        (2, E_INJECTED),
        (2, TXN_E_ENDED),
    ] {
        assert!(
            all.get(&key).copied().unwrap_or(0) > 0,
            "{key:?} never seen: {all:?}"
        );
    }
}
