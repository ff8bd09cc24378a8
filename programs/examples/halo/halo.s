; Halo exchange on a grid WIDTH nodes wide (entry `halo`): every node starts
; with the value id + 1 and, for ROUNDS rounds, sends its value to its (up to
; four) grid neighbours and adds what they send: v' = v + the sum of the
; neighbours' v (wrapping). A neighbour is at most one round ahead, so the
; values received are summed per round parity. At the end every node emits
; (RESULT, v) and halts.
.msg VALUE = 1          ; payload [round, value]
.const WIDTH = 4
.const ROUNDS = 3
.const RESULT = 7
.data
value: .space 1
round: .space 1
degree: .space 1        ; neighbours sent to this round
acc: .space 2           ; sums of the values received, by round parity
cnt: .space 2           ; number of values received, by round parity
out: .space 2           ; outgoing payload [round, value]
msg: .space 6           ; a received message: header + [round, value]
.code
.entry halo
halo:
    nodeid
    addi 1
    storei value
.round:
    loadi round
    push ROUNDS
    lt
    jz .finish
    loadi round
    storei out
    loadi value
    storei out+1
    push 0
    storei degree
    call send_all
.receive:               ; until cnt[round & 1] == degree
    loadi round
    push 1
    and
    push cnt
    add
    load
    loadi degree
    eq
    jnz .update
    push -1
    wait
    drop
    push msg
    push 2
    push 0
    recv
    drop
    loadi msg+4
    push 1
    and                 ; p = parity of the message's round
    dup
    push acc
    add
    dup
    load
    loadi msg+5
    add                 ; p &acc[p] acc[p]+v
    swap
    store               ; p
    push cnt
    add
    dup
    load
    addi 1
    swap
    store               ; cnt[p] += 1
    jmp .receive
.update:                ; value += acc[p]; acc[p] = cnt[p] = 0; round += 1
    loadi round
    push 1
    and
    dup
    push acc
    add
    dup
    load
    loadi value
    add
    storei value        ; p &acc[p]
    push 0
    swap
    store               ; p
    push cnt
    add
    push 0
    swap
    store
    loadi round
    addi 1
    storei round
    jmp .round
.finish:
    loadi value
    push RESULT
    emit 1
    halt

; send_all ( -- ): sends `out` to every grid neighbour that exists.
send_all:
    nodeid
    push WIDTH
    mod                 ; x
    dup
    jz .no_left
    nodeid
    addi -1
    call send_to
.no_left:
    push WIDTH - 1
    lt
    jz .no_right        ; x < WIDTH - 1
    nodeid
    addi 1
    call send_to
.no_right:
    nodeid
    push WIDTH
    div                 ; y
    dup
    jz .no_up
    nodeid
    push WIDTH
    sub
    call send_to
.no_up:
    nodes
    push WIDTH
    div
    addi -1
    lt
    jz .no_down         ; y < height - 1
    nodeid
    push WIDTH
    add
    call send_to
.no_down:
    ret

; send_to ( node -- ): sends `out` as a VALUE to the node's inbox 0; counts it.
send_to:
    push ADDR_SHIFT
    shl
    tor
    push out
    push 2
    push VALUE
    fromr
    push -1
    send
    loadi degree
    addi 1
    storei degree
    ret
