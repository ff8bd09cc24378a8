; Hedged requests with linked processes (Erlangen's attach) on the firmware
; library. Node 0 asks every server the same query and takes the first answer.
;   main (node 0, process 0): for each query q = 0 .. QUERIES-1 spawns a
;       coordinator linked to itself and waits for its EXIT on inbox 0; logs
;       (TAG_ANSWER, q, status, result).
;   coordinator (a linked process): spawns one searcher per server, each
;       linked to it, and waits on its link inbox: the first searcher that
;       ends with a result wins and the coordinator returns that result; its
;       end reaches every searcher still running (the link's other way). A
;       failed searcher counts down; when all have failed it ends with
;       proc_fail ALL_FAILED.
;   searcher (a linked process, argument q * 4 + s): sends QUERY [tag, q] to
;       server s with its link inbox as reply-to and waits there: an answer
;       is its result; the coordinator's EXIT cancels it (it logs
;       (TAG_CANCEL, q, s, the result the EXIT carried)); TIMEOUT cycles
;       without either end it with proc_fail s.
;   server (nodes 1, 2): answers QUERY [tag, q] with q * 16 + s after
;       sleeping 2000 ((5 q + 2 s) mod 7) + 200 cycles, in a subordinate
;       process per request; dead (node 3) halts at once.
.import "dispatch.s"
.import "rpc.s"
.import "monitor.s"

.msg QUERY = 1          ; [tag, q]; answered [tag, q * 16 + server]
.const QUERIES = 7
.const SERVERS = 3      ; nodes 1 .. SERVERS
.const TIMEOUT = 7400   ; cycles a searcher waits
.const ALL_FAILED = 99
.const TAG_ANSWER = 1
.const TAG_CANCEL = 2
.const SLOT = 6
.const SLOTS = 16

.data
table:
    .word 1
    .word QUERY, 0, on_query
stash: .space STASH_HDR + SLOT * SLOTS
ring: .word 0
bufs: .space 8 * 6      ; the subordinates' copies of their requests
reqs: .space QUERIES * 4 * 2    ; a searcher's request, by q * 4 + s
sbufs: .space QUERIES * 4 * 7   ; what a searcher receives, by q * 4 + s
cbuf: .space 7          ; what the coordinator receives
mbuf: .space 7          ; what main receives

.code
.entry main
.entry server
.entry dead

main:
    push 0              ; q
.query:
    dup
    push QUERIES
    lt
    jz .finished
    push coordinator
    over
    push 0
    call my_addr
    call spawn_linked   ; q pid
    drop
    push mbuf
    push 3
    push 0
    push -1
    call recv_timeout
    drop
    dup
    loadi mbuf+5
    loadi mbuf+6
    push TAG_ANSWER
    emit 3
    addi 1
    jmp .query
.finished:
    drop
    halt

; coordinator ( q inbox -- result ): the first answer of SERVERS searchers.
coordinator:
    push 1              ; q inbox s
.spawn:
    dup
    push SERVERS + 1
    lt
    jz .spawned
    push searcher
    pick 3
    push 2
    shl
    pick 2
    or                  ; q inbox s searcher q*4+s
    pick 3
    call my_addr
    call spawn_linked
    drop
    addi 1
    jmp .spawn
.spawned:
    drop
    nip
    push SERVERS        ; inbox pending
.wait:
    push cbuf
    push 3
    pick 3
    push -1
    call recv_timeout
    drop
    loadi cbuf+5
    jz .won
    addi -1
    dup
    jnz .wait
    push ALL_FAILED
    call proc_fail
.won:
    drop
    drop
    loadi cbuf+6
    ret

; searcher ( a inbox -- result ): asks server a & 3 for query a >> 2.
searcher:
    over
    push 2
    mul
    push reqs
    add                 ; a inbox req
    pick 2
    over
    store               ; req[0] = a, the tag
    pick 2
    push 2
    shr
    over
    addi 1
    store               ; req[1] = q
    push 2
    push QUERY
    pick 4
    push 3
    and
    push ADDR_SHIFT
    shl
    pick 4
    call my_addr        ; a inbox req 2 QUERY server reply-to
    send
    over
    push 7
    mul
    push sbufs
    add                 ; a inbox buf
    dup
    push 3
    pick 3
    push TIMEOUT
    call recv_timeout   ; a inbox buf len
    push 0
    lt
    jnz .timeout
    dup
    load
    push EXIT
    eq
    jnz .cancelled
    addi 5
    load
    nip
    nip
    ret
.timeout:
    drop
    drop
    push 3
    and
    call proc_fail
.cancelled:
    nip
    addi 6
    load                ; a told
    over
    push 2
    shr
    rot
    push 3
    and
    rot                 ; q s told
    push TAG_CANCEL
    emit 3
    push -1
    ret

dead:
    halt

server:
    push table
    push stash
    push SLOT
    push SLOTS
    call dispatch_run

; on_query ( msg -- ): hands the request to a subordinate process.
on_query:
    push answer
    swap
    loadi ring
    dup
    addi 1
    push 7
    and
    storei ring
    push 6
    mul
    push bufs
    add
    call subordinate
    drop
    ret

; answer ( buf -- ): sleeps the server's delay for the query, then answers.
answer:
    dup
    addi 5
    load
    push 5
    mul
    nodeid
    push 2
    mul
    add
    push 7
    mod
    push 2000
    mul
    addi 200
    sleep
    dup
    addi 5
    load
    push 4
    shl
    nodeid
    or
    call rpc_reply
    exit
