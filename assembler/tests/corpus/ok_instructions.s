; Every operand kind encodes into the 24-bit field (opcode in bits 31..24).
    nop              ; expect: 0x00000000
    push 5           ; expect: 0x10000005
    push -1          ; expect: 0x10ffffff
    push 0x7fffff    ; expect: 0x107fffff
    push -0x800000   ; expect: 0x10800000
    pushw 0xdeadbeef ; expect: 0x11000000 0xdeadbeef
    pushw -2         ; expect: 0x11000000 0xfffffffe
    add              ; expect: 0x20000000
    ADD              ; expect: 0x20000000
    addi -3          ; expect: 0x2ffffffd
    pick 2           ; expect: 0x08000002
    emit 3           ; expect: 0x77000003
    jmp 0xffffff     ; expect: 0x50ffffff
    loadi 7          ; expect: 0x42000007
    halt             ; expect: 0x75000000
