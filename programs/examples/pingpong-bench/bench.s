; Termite's ping-pong and ring benchmarks with message sizes 0 to 1000 words,
; written without the firmware library so that every cycle of a round trip can
; be counted from the timing profile (tests/tests/fw_pingpong.rs does).
;   ping (node 0): for each size of `sizes`, sends a TOKEN of that many words
;         to the next node ROUNDS times, each time waiting for it to come back,
;         and logs (TAG_TRIPS, size, ns for the ROUNDS trips); then halts.
;   relay (every other node): passes every TOKEN on to the next node.
; With two nodes this is ping-pong (node 1 echoes); with more it is the ring.
.msg TOKEN = 1
.const ROUNDS = 8
.const NSIZES = 4
.const MAXW = 1000
.const TAG_TRIPS = 1

.data
sizes: .word 0, 10, 100, 1000
next: .word 0           ; inbox 0 of the next node round the ring
size: .word 0           ; the current message size
k: .word 0              ; trips still to go
t0: .word 0             ; `now` when the size started
buf: .space 4 + MAXW    ; recv header and payload; payload words are sent from buf + 4

.code
.entry ping
.entry relay

; set_next ( -- ): next = the address of node (nodeid + 1) mod nodes, inbox 0.
set_next:
    nodeid
    addi 1
    nodes
    mod
    push ADDR_SHIFT
    shl
    storei next
    ret

; ping: the measuring node.
ping:
    call set_next
    push 0              ; i: index into sizes
.size:
    dup
    push NSIZES
    lt
    jz .done
    dup
    push sizes
    add
    load
    storei size
    push ROUNDS
    storei k
    now
    storei t0
.trip:                  ; one trip: send, sleep until the token is back, take it
    push buf + 4
    loadi size
    push TOKEN
    loadi next
    push -1
    send
    push -1
    wait
    drop
    push buf
    push MAXW
    push 0
    recv
    drop
    loadi k
    addi -1
    dup
    storei k
    jnz .trip
    now                 ; issues where the next trip's `push buf + 4` would
    loadi t0
    sub
    loadi size
    swap
    push TAG_TRIPS
    emit 2
    addi 1
    jmp .size
.done:
    halt

; relay: sends every token on with its payload, for good.
relay:
    call set_next
.loop:
    push -1
    wait
    drop
    push buf + 4
    push buf
    push MAXW
    push 0
    recv                ; buf + 4, len: the payload just received
    push TOKEN
    loadi next
    push -1
    send
    jmp .loop
