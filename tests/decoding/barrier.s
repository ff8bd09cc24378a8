; The barrier wire's acceptance firmware (tests/tests/qec_barrier.rs), entry
; `barrier`, linked with the stand-in decoder empty.s, whose loop it joins at
; the end. Node k starts k * SKEW cycles late and contributes 1 << k to epoch
; 0, logging the cycles `qec_barrier` took (tag 1); node 0 contributes 4 to
; epoch 1 before epoch 0 is released. Every node logs each release it takes
; as [epoch, W] (tag 2); after epoch 0's release node 1 contributes 8 to
; epoch 1; then node 0 contributes 16 to epoch 2 and takes its release,
; while node 1 contributes 32 with inbox 7, never opened: its release is lost.
.import "qec.s"
.const SKEW = 100
.data
bbuf: .space 6              ; type, src, reply-to, len, epoch, W
t0: .word 0
.code
.entry barrier
barrier:
    open                    ; inbox 1, for the releases
    drop
    nodeid
    push SKEW
    mul
    sleep
    cycles
    storei t0
    push 1
    nodeid
    shl
    push 1
    call qec_barrier        ; epoch 0: 1 << k
    cycles
    loadi t0
    sub
    push 1
    emit 1                  ; log [cycles from t0 to here]
    nodeid
    jnz first
    push 4
    push 1
    call qec_barrier        ; node 0, epoch 1, early
first:
    call take               ; epoch 0
    nodeid
    jz second
    push 8
    push 1
    call qec_barrier        ; node 1, epoch 1
second:
    call take               ; epoch 1
    nodeid
    jnz lost
    push 16
    push 1
    call qec_barrier        ; node 0, epoch 2
    call take
    jmp main
lost:
    push 32
    push 7
    call qec_barrier        ; node 1, epoch 2, released to an inbox never opened
    jmp main

; take ( -- ): waits for a release in inbox 1 and logs [epoch, W] with tag 2.
take:
    push -1
    wait
    drop
    push bbuf
    push 2
    push 1
    recv
    drop
    loadi bbuf + 4
    loadi bbuf + 5
    push 2
    emit 2
    ret
