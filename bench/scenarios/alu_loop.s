; A lone node in a tight ALU loop: 6 instructions per turn, no memory, no NIC.
.code
.entry main
main:
    push 0
.loop:
    addi 1
    dup
    push 3
    and
    drop
    jmp .loop
