; Written by make.sh: ../scenarios/mesh_exchange.s with WIDTH = 512, wide addressing.
.addressing wide
.msg HALO = 1
.const WIDTH = 512
.const WORK = 33
.data
out: .space 1
msg: .space 5
degree: .space 1
got: .space 1
dx: .word -1, 1, 0, 0
dy: .word 0, 0, -1, 1
.code
.entry main
main:
    push WORK
.work:
    addi -1
    dup
    jnz .work
    drop
    push 0
    storei degree
    push 0
    storei got
    call send_all
.recv:
    loadi got
    loadi degree
    eq
    jnz main
    push -1
    wait
    drop
    push msg
    push 1
    push 0
    recv
    drop
    loadi got
    addi 1
    storei got
    jmp .recv

; send_all ( -- ): sends to the neighbour in each direction (dx, dy) that exists.
send_all:
    push 0              ; direction
.dir:
    dup
    push 4
    lt
    jz .end
    dup
    push dx
    add
    load
    nodeid
    push WIDTH
    mod
    add                 ; d nx
    dup
    push WIDTH
    ltu
    jz .outside         ; nx < 0 wraps to a large unsigned number
    over
    push dy
    add
    load
    nodeid
    push WIDTH
    div
    add                 ; d nx ny
    dup
    push WIDTH
    ltu
    jz .outside2
    push WIDTH
    mul
    add                 ; d neighbour
    call send_to
    addi 1
    jmp .dir
.outside2:
    drop
.outside:
    drop
    addi 1
    jmp .dir
.end:
    drop
    ret

; send_to ( node -- ): sends `out` to the node's inbox 0 and counts it.
send_to:
    push ADDR_SHIFT
    shl
    tor
    push out
    push 1
    push HALO
    fromr
    push -1
    send
    loadi degree
    addi 1
    storei degree
    ret
