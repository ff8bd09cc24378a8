; Macros: parameters, nesting, unique labels with \@, string arguments.
.macro pair a, b
    push \a
    push \b
.endm
.macro twice x
    pair \x, \x + 1
.endm
.macro spin
.l\@: jmp .l\@
.endm
.macro say s
.data
    .string \s
.code
.endm
main:
    pair 1, 2        ; expect: 0x10000001 0x10000002
    twice 5          ; expect: 0x10000005 0x10000006
    spin             ; expect: 0x50000004
    spin             ; expect: 0x50000005
    say "hi"         ; expect-data: 104 105 0
    halt             ; expect: 0x75000000
