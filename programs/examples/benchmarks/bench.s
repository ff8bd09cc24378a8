; Termite's ping-pong and ring benchmarks with message sizes 0 to 1000 words,
; on the firmware library's recv_timeout.
;   ping (node 0): for each size of `sizes`, ROUNDS round trips with node 1,
;         then logs (TAG_PINGPONG, size, ns for the ROUNDS round trips).
;   pong (node 1): sends every message back to node 0 with its payload.
;   ring (every node): node 0 sends a token of each size round the ring of
;         all nodes LAPS times and logs (TAG_RING, size, ns for the LAPS laps);
;         the others pass every token on to the next node.
; Ping-pong is a ring of two nodes, so both share `measure` and `relay`.
.import "msg.s"

.msg TOKEN = 1
.const ROUNDS = 10
.const LAPS = 4
.const NSIZES = 5
.const MAXW = 1000
.const TAG_PINGPONG = 1
.const TAG_RING = 2

.data
sizes: .word 0, 1, 10, 100, 1000
buf: .space 4 + MAXW
t0: .word 0

.code
.entry ping
.entry pong
.entry ring

; take ( -- len ): the next message of inbox 0 into buf, waiting as long as needed.
take:
    push buf
    push MAXW
    push 0
    push -1
    call recv_timeout
    ret

; send_buf ( len type dst -- ): sends the payload words of buf.
send_buf:
    tor
    tor
    push buf + 4
    swap
    fromr
    fromr
    push -1
    send
    ret

; ping ( -- ): node 0 of the ping-pong pair.
ping:
    push ROUNDS
    push TAG_PINGPONG
    jmp measure

; pong ( -- ): node 1 of the pair: passes every message back.
pong:
    jmp relay

; ring ( -- ): node 0 measures, the others relay.
ring:
    nodeid
    jnz relay
    push LAPS
    push TAG_RING
    jmp measure

; measure ( count tag -- ): for each size, sends a token of that size to the
; next node `count` times, each time waiting for it to come back, and logs
; (tag, size, ns); then halts.
measure:
    push 0              ; count tag i
.size:
    dup
    push NSIZES
    lt
    jz .done
    now
    storei t0
    pick 2              ; count tag i k
.trip:
    over
    push sizes
    add
    load
    push TOKEN
    call next_node
    call send_buf
    call take
    drop
    addi -1
    dup
    jnz .trip
    drop
    dup
    push sizes
    add
    load
    now
    loadi t0
    sub
    pick 3
    emit 2
    addi 1
    jmp .size
.done:
    halt

; relay ( -- ): passes every token on to the next node, for good.
relay:
    call take
    push TOKEN
    call next_node
    call send_buf
    jmp relay

; next_node ( -- addr ): inbox 0 of the next node round the ring.
next_node:
    nodeid
    addi 1
    nodes
    mod
    push ADDR_SHIFT
    shl
    ret
