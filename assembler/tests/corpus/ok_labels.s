; Global and local labels, qualified names, forward references and `$`.
main:
    jmp .end         ; expect: 0x50000003
.loop:
    jmp .loop        ; expect: 0x50000001
    jmp main.loop    ; expect: 0x50000001
.end:
    jmp $            ; expect: 0x50000003
other:
    jmp .loop        ; expect: 0x50000005
.loop:
    jmp main.end     ; expect: 0x50000003
    halt             ; expect: 0x75000000
