; Return to sender and inbox ids. The server (entry `server`, node 1) opens and
; closes inboxes: A = open, close A, B = open, C = open, close B, D = open, and
; emits (IDS, A, B, C, D); ids are never reused, so this is (1, 2, 3, 4). It
; tells the client A, B and C (INFO), waits until something arrives in C and
; closes C without reading it.
; The client (entry `client`, node 0) then probes: PROBE_A to closed inbox A,
; PROBE_B to closed inbox B, PROBE_UNKNOWN to inbox 99 (never opened), each with
; its inbox 0 as reply-to; PROBE_DROPPED to inbox 99 without a reply-to (the
; network drops it and counts it); PROBE_C to the open inbox C. Every probe but
; the dropped one comes back with bit 31 of its type set; the client recognises
; that bit and emits (BOUNCED, returned?, type without bit 31, source, reply-to,
; length, first payload word) for each of the four, then halts.
.msg INFO = 1           ; server -> client: [A, B, C]
.msg PROBE_A = 2
.msg PROBE_B = 3
.msg PROBE_UNKNOWN = 4
.msg PROBE_DROPPED = 5
.msg PROBE_C = 6
.const SERVER = 1
.const UNKNOWN = 99
.const IDS = 10
.const BOUNCED = 11
.const RETURNED_BIT = 0x80000000
.data
ids: .space 4           ; A, B, C, D
info: .space 7          ; header + [A, B, C]
probe: .space 1
back: .space 5          ; a returned probe: header + first word
.code
.entry server
.entry client
server:
    open
    dup
    storei ids          ; A
    close
    open
    storei ids+1        ; B
    open
    storei ids+2        ; C
    loadi ids+1
    close
    open
    storei ids+3        ; D
    loadi ids
    loadi ids+1
    loadi ids+2
    loadi ids+3
    push IDS
    emit 4
    push ids            ; INFO [A, B, C] to the client's inbox 0
    push 3
    push INFO
    push 0
    push -1
    send
.poll:                  ; until a message waits in C
    loadi ids+2
    poll
    jnz .close
    push 100
    sleep
    jmp .poll
.close:
    loadi ids+2
    close               ; the waiting probe goes back to its sender
    halt

client:
    push -1
    wait
    drop
    push info
    push 3
    push 0
    recv
    drop
    push 200 + PROBE_A
    loadi info+4
    push PROBE_A
    call probe_to
    push 200 + PROBE_B
    loadi info+5
    push PROBE_B
    call probe_to
    push 200 + PROBE_UNKNOWN
    push UNKNOWN
    push PROBE_UNKNOWN
    call probe_to
    push 200 + PROBE_DROPPED
    storei probe
    push probe
    push 1
    push PROBE_DROPPED
    push SERVER << 16 | UNKNOWN
    push -1             ; no reply-to: dropped, not returned
    send
    push 200 + PROBE_C
    loadi info+6
    push PROBE_C
    call probe_to
    push 4              ; returned probes to collect
.collect:
    push -1
    wait
    drop
    push 0
    peek                ; type of the waiting message
    pushw RETURNED_BIT
    and
    push 0
    ne                  ; returned?
    push back
    push 1
    push 0
    recv
    drop
    loadi back          ; type
    pushw RETURNED_BIT - 1
    and                 ; without bit 31
    loadi back+1        ; source
    loadi back+2        ; reply-to
    loadi back+3        ; length
    loadi back+4        ; first word
    push BOUNCED
    emit 6
    addi -1
    dup
    jnz .collect
    drop
    halt

; probe_to ( word inbox type -- ): sends [word] of `type` to the server's
; `inbox`, with the client's inbox 0 as reply-to.
probe_to:
    tor                 ; word inbox     R: type
    push SERVER << 16
    or                  ; word dst
    swap
    storei probe        ; dst
    tor                 ;                R: type dst
    push probe
    push 1
    fromr               ; probe 1 dst    R: type
    fromr               ; probe 1 dst type
    swap                ; probe 1 type dst
    nodeid
    push ADDR_SHIFT
    shl                 ; reply-to: this node's inbox 0
    send
    ret
