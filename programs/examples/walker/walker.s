; walker.s — a process that migrates along a path of nodes carrying a sum
; (migrate.s, docs/firmware.md). Every walk node runs mig_daemon as process
; 0; node 0 first spawns the walker. At each node the walker adds the node's
; `value`, logs the visit, takes the PINGs that reached it, stays DWELL
; cycles, takes them again and moves on to the next node of its `trip`. Its
; sum is on its data stack, its trip (the path and counters) is the state
; block, and the return address into `walker` rides along on its return
; stack. The pinger (the last node) sends PINGs to the walker's first
; address, forwarded by the proxies the walker leaves behind; at the end
; the walker waits for all of them, reports DONE and exits, and the pinger's
; last PING comes back to it.
.import "migrate.s"

.msg PING = 1                   ; pinger -> walker: [number]
.msg HELLO = 2                  ; walker -> pinger: no payload, reply-to = its mailbox
.msg DONE = 3                   ; walker -> pinger: [sum]

.const PATH_MAX = 16            ; most hops of a path
.const TRIP_POS = 0             ; hops done
.const TRIP_LEN = 1             ; hops in the path
.const TRIP_PINGS = 2           ; PINGs the walker waits for before it ends
.const TRIP_GOT = 3             ; PINGs it has taken
.const TRIP_PATH = 4            ; the nodes of the path, in order
.const TRIP_WORDS = TRIP_PATH + PATH_MAX
.const DWELL = 2000             ; cycles the walker stays at each node

.const TAG_VISIT = 1            ; walker: (node, sum so far)
.const TAG_GOT = 2              ; walker: (PING number, node)
.const TAG_RESULT = 3           ; walker: (sum, PINGs taken, node)
.const TAG_SENT = 4             ; pinger: (PING number)
.const TAG_BACK = 5             ; pinger: (type, source node, PING number) of a returned PING
.const TAG_DONE = 6             ; pinger: (sum)

.const RETURNED_PING = 0x80000000 | PING  ; a PING come back (docs/isa.md)

.const E_TRIP = 1               ; assertion: the trip is longer than PATH_MAX
.const E_MAILBOX = 2            ; assertion: the walker's mailbox held something not a PING
.const E_PINGER = 3             ; assertion: the pinger got something unexpected

.data
value: .word 0                  ; this node's value (per-node data)
trip: .space TRIP_WORDS         ; the walker's state block (node 0's: per-node data)
gap: .word 1000                 ; pinger: cycles between PINGs (per-node data)
pings: .word 0                  ; pinger: PINGs to send (per-node data)
dbuf: .space MIG_BUF            ; mig_daemon's buffer
rx: .space 5                    ; a received message: header and one word
out: .word 0                    ; a payload word to send

.code
.entry main
.entry pinger

; main: every walk node serves migrations; node 0 starts the walker first.
main:
    nodeid
    jnz .serve
    push walker
    push 0
    spawn
    drop
.serve:
    push dbuf
    call mig_daemon

; walker ( arg -- ): opens its mailbox, greets the pinger, walks, then waits
; for every PING, reports DONE and exits (which closes its mailbox).
walker:
    drop
    loadi trip + TRIP_LEN
    push PATH_MAX + 1
    ltu
    assert E_TRIP
    open
    push 0
    push 0
    push HELLO
    call pinger_addr
    pick 4
    call my_addr
    send
    push 0
    swap                ; sum inbox
    call walk           ; sum inbox     (on the path's last node)
.wait:
    loadi trip + TRIP_GOT
    loadi trip + TRIP_PINGS
    lt
    jz .all
    dup
    push -1
    call await
    drop
    call drain
    jmp .wait
.all:
    over
    loadi trip + TRIP_GOT
    nodeid
    push TAG_RESULT
    emit 3
    over
    storei out
    push out
    push 1
    push DONE
    call pinger_addr
    push -1
    send
    exit

; walk ( sum inbox -- sum inbox ): visits this node, then every node of the
; trip in turn; returns on the last.
walk:
    swap
    loadi value
    add
    swap
    nodeid
    pick 2
    push TAG_VISIT
    emit 2
    call drain
    push DWELL
    sleep
    call drain
    loadi trip + TRIP_POS
    loadi trip + TRIP_LEN
    lt
    jz .end
    push 1              ; r: the return address into `walker`
    push trip
    push TRIP_WORDS
    pick 3              ; the mailbox
    loadi trip + TRIP_POS
    addi 1
    dup
    storei trip + TRIP_POS
    addi trip + TRIP_PATH - 1
    load                ; the next node
    call migrate        ; sum inbox inbox'
    nip
    jmp walk
.end:
    ret

; drain ( inbox -- inbox ): takes every PING waiting in the mailbox, logging
; its number and this node.
drain:
    dup
    poll
    jz .none
    push rx
    push 1
    pick 2
    recv
    drop
    loadi rx
    push PING
    eq
    assert E_MAILBOX
    loadi rx + 4
    nodeid
    push TAG_GOT
    emit 2
    loadi trip + TRIP_GOT
    addi 1
    storei trip + TRIP_GOT
    jmp drain
.none:
    ret

; pinger_addr ( -- addr ): inbox 0 of the pinger, the last node.
pinger_addr:
    nodes
    addi -1
    push ADDR_SHIFT
    shl
    ret

; pinger: waits for the walker's HELLO, sends it `pings` PINGs `gap` cycles
; apart to the address it came from, waits for DONE, then sends one more,
; which comes back, and halts.
pinger:
    call take           ; the HELLO
    push HELLO
    eq
    assert E_PINGER
    loadi rx + 2        ; the walker's first address
    push 0
.next:
    dup
    loadi pings
    lt
    jz .sent
    call ping
    loadi gap
    sleep
    addi 1
    jmp .next
.sent:
    call take
    push DONE
    eq
    assert E_PINGER
    loadi rx + 4
    push TAG_DONE
    emit 1
    call ping
    call take
    pushw RETURNED_PING
    eq
    assert E_PINGER
    loadi rx
    loadi rx + 1
    loadi rx + 4
    push TAG_BACK
    emit 3
    halt

; take ( -- type ): the next message of inbox 0, into rx.
take:
    push rx
    push 1
    push 0
    push -1
    call recv_timeout
    drop
    loadi rx
    ret

; ping ( addr k -- addr k ): sends PING [k] to addr, reply-to inbox 0; logs it.
ping:
    dup
    storei out
    push out
    push 1
    push PING
    pick 4
    push 0
    call my_addr
    send
    dup
    push TAG_SENT
    emit 1
    ret
