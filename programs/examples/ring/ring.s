; Termite ring (entry `ring`): a token travels LAPS times around the N nodes of
; the run. Node 0 injects it carrying the number of hops left (N * LAPS); each
; node takes one hop off and passes it to node (id + 1) mod N. The node that
; sees it reach 0 (node 0, after the last lap) emits (DONE, N * LAPS) and halts.
.msg TOKEN = 1
.const LAPS = 4
.const DONE = 100
.data
token: .space 5         ; received message: header + hops left
outgoing: .space 1
.code
.entry ring
ring:
    nodeid
    jnz .wait           ; every node but 0 waits for the token
    nodes
    push LAPS
    mul                 ; hops = N * LAPS
    jmp .forward
.wait:
    push -1
    wait
    drop
    push token
    push 1
    push 0
    recv
    drop
    loadi token+4
    addi -1             ; hops left after this one
    dup
    jz .done
.forward:               ; ( hops -- )
    storei outgoing
    push outgoing       ; buf
    push 1              ; len
    push TOKEN          ; type
    nodeid
    addi 1
    nodes
    mod                 ; next node
    push ADDR_SHIFT
    shl                 ; its inbox 0
    push -1             ; no reply-to
    send
    jmp .wait
.done:
    nodes
    push LAPS
    mul
    push DONE
    emit 1
    halt
