; Harvard: code and data have their own address spaces starting at 0.
    loadi table      ; expect: 0x42000000
    loadi msg        ; expect: 0x42000003
    push count       ; expect: 0x10000007
    halt             ; expect: 0x75000000
.data
table: .word 1, -1, 0xffffffff   ; expect-data: 1 0xffffffff 0xffffffff
msg: .string "a\"\n"             ; expect-data: 97 34 10 0
count: .space 2                  ; expect-data: 0 0
.code
    push $           ; expect: 0x10000004
