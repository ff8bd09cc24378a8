//! NIC endpoints through the real `aether` binary and firmware: `exit` closes the
//! inboxes of the exiting process (what they hold goes back to its senders, and later
//! messages bounce), `nodes` counts every addressable endpoint (emulated nodes and
//! behavioural components, not the topology's switches), and nodes past the 65,536 on
//! the network run without one.

use aether_tests::cosim_support;

use cosim_support::{log, report, scenario};

const EXIT_PROGRAM: &str = "
.msg INFO = 1
.msg A = 2
.msg B = 3
.msg C = 4
.const BOUNCED = 11
.data
inbox: .space 1
buf: .space 5
word: .space 1
.code
.entry owner
.entry client
owner:                  ; process 0 of node 1: start the holder, then exit
    push holder
    push 0
    spawn
    drop
    exit
holder:                 ; opens an inbox, announces it, exits once something is in it
    drop
    open
    storei inbox
    push inbox
    push 1
    push INFO
    push 0
    push -1
    send
.poll:
    loadi inbox
    poll
    jnz .leave
    push 50
    sleep
    jmp .poll
.leave:
    exit

client:
    call take           ; INFO [the holder's inbox]
    push A
    loadi buf+4         ; the holder's inbox
    call probe
    push B
    push 0              ; inbox 0 of node 1, whose owner has exited
    call probe
    call collect
    call collect
    push C              ; the holder has exited: its inbox is closed
    loadi buf+4
    call probe
    call collect
    halt

; probe ( type inbox -- ): sends [type] to node 1's `inbox`, reply-to inbox 0 here.
probe:
    push 1 << 16
    or
    swap
    dup
    storei word
    swap                ; type dst
    tor
    tor
    push word
    push 1
    fromr
    fromr
    push 0
    send
    ret

; take ( -- ): waits for a message in inbox 0 and receives it into buf.
take:
    push -1
    wait
    drop
    push buf
    push 1
    push 0
    recv
    drop
    ret

; collect ( -- ): takes a returned message and emits (BOUNCED, type, source, word).
collect:
    call take
    loadi buf
    loadi buf+1
    loadi buf+4
    push BOUNCED
    emit 3
    ret
";

const RETURNED: u64 = 0x8000_0000;

#[test]
fn exit_closes_the_inboxes_of_the_exiting_process() {
    let text = "[programs.p]\nsources = [\"exit.s\"]\n[defaults]\nprogram = \"p\"\n\
                [[nodes]]\nid = 0\nentry = \"client\"\n[[nodes]]\nid = 1\nentry = \"owner\"\n";
    let (_dir, path) = scenario("exit.toml", text, &[("exit.s", EXIT_PROGRAM)]);
    let r = report(&path, &[], 0);
    let returned: Vec<Vec<u64>> = log(&r)
        .into_iter()
        .filter(|l| l.0 == 0 && l.2 == 11)
        .map(|l| l.3)
        .collect();
    let back = |t: u64| vec![RETURNED | t, 1, t];
    assert_eq!(returned.len(), 3, "{returned:?}");
    let mut first_two = returned[..2].to_vec();
    first_two.sort();
    // A waited in the holder's inbox when the holder exited; B found inbox 0 closed by
    // the exit of process 0; C came after the holder's exit.
    assert_eq!(first_two, vec![back(2), back(3)]);
    assert_eq!(returned[2], back(4));
    assert_eq!(r["nodes"][1]["state"], "halted");
    assert_eq!(r["network"]["nodes"][1]["bounced"].as_u64(), Some(3));
    assert_eq!(r["network"]["nodes"][0]["returned"].as_u64(), Some(3));
}

#[test]
fn nodes_counts_emulated_nodes_and_components_and_the_last_is_addressable() {
    // Two emulated nodes and a sink on a 3x2 mesh (three switch-only positions).
    let program = "
main:
    nodes
    nodeid
    push 50
    emit 2
    nodeid
    jnz .done
    push 0
    storei 0
    push 0
    push 1
    push 9
    nodes
    addi -1
    push 16
    shl                 ; the last endpoint's inbox 0
    push -1
    send
.done:
    halt
";
    let text = "[programs.p]\nsources = [\"n.s\"]\n[[nodes]]\ncount = 2\nprogram = \"p\"\n\
                [[components]]\nkind = \"sink\"\nid = 2\n\
                [network.topology]\nkind = \"mesh\"\nwidth = 3\nheight = 2\n";
    let (_dir, path) = scenario("nodes.toml", text, &[("n.s", program)]);
    let r = report(&path, &[], 0);
    let records = log(&r);
    let counts: Vec<(u64, Vec<u64>)> = records
        .iter()
        .filter(|l| l.2 == 50)
        .map(|l| (l.0, l.3.clone()))
        .collect();
    assert_eq!(counts, vec![(0, vec![3, 0]), (1, vec![3, 1])]);
    let sink: Vec<_> = records.iter().filter(|l| l.0 == 2).collect();
    assert_eq!(sink.len(), 1);
    assert_eq!((sink[0].2, sink[0].3.clone()), (9, vec![0]));
    assert_eq!(r["network"]["routers"].as_u64(), Some(6));
}

#[test]
fn a_halted_node_keeps_its_inbox_open_until_it_is_full() {
    // Node 0 sends 12 messages without a reply-to to node 1, which halts at once: its
    // inbox 0 stays open, takes `inbox_capacity` = 4 of them, and the other 8 are
    // dropped as undeliverable (docs/network.md, "Full inboxes").
    let text = format!(
        "[programs.burst]\nsources = [\"{}\"]\n[programs.idle]\nsources = [\"idle.s\"]\n\
         [[nodes]]\nid = 0\nprogram = \"burst\"\nentry = \"burst\"\n\
         [[nodes]]\nid = 1\nprogram = \"idle\"\n[network]\ninbox_capacity = 4\n",
        cosim_support::example("net-burst/burst.s")
    );
    let (_dir, path) = scenario("full.toml", &text, &[("idle.s", "main: halt\n")]);
    let r = report(&path, &[], 0);
    assert_eq!(r["nodes"][1]["state"], "halted");
    assert_eq!(r["network"]["nodes"][1]["received"].as_u64(), Some(4));
    assert_eq!(r["network"]["drops"]["undeliverable"].as_u64(), Some(8));
    assert_eq!(r["messages"][0]["delivered"].as_u64(), Some(4));
}

#[test]
fn nodes_past_65536_run_but_their_nic_instructions_fault() {
    // 65,537 nodes: node 65,536 is past the network (docs/isa.md, "Addresses and
    // inboxes"); it computes and logs like any node, and its `open` faults.
    let program = "
main:
    nodeid
    push 16
    shr                 ; 1 only for node 65536
    jz .done
    nodeid
    nodes
    push 51
    emit 2
    open
.done:
    halt
";
    let text = "[programs.p]\nsources = [\"n.s\"]\n[defaults]\nmemory = 16\n\
                [[nodes]]\ncount = 65537\nprogram = \"p\"\n";
    let (_dir, path) = scenario("wide.toml", text, &[("n.s", program)]);
    let r = report(&path, &[], 1);
    let records: Vec<_> = log(&r).into_iter().filter(|l| l.2 == 51).collect();
    assert_eq!(records.len(), 1);
    assert_eq!(
        (records[0].0, records[0].3.clone()),
        (65536, vec![65536, 65537])
    );
    let faults = r["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1);
    assert_eq!(faults[0]["node"].as_u64(), Some(65536));
    assert_eq!(faults[0]["kind"], "nic");
    let message = faults[0]["message"].as_str().expect("message");
    assert!(message.contains("no network address"), "{message}");
    assert_eq!(r["nodes"].as_array().map(Vec::len), Some(65537));
    assert_eq!(r["nodes"][65535]["state"], "halted");
    assert_eq!(r["network"]["nodes"].as_array().map(Vec::len), Some(65536));
}
