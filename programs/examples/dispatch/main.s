; dispatch: a tiny command interpreter driven by a table in data memory.
;
; `program` is a list of (command, argument) word pairs ending with CMD_END.
; The accumulator lives on the data stack. Each command is dispatched through
; `handlers`, a table of code addresses in data memory, with `calli`.
; CMD_EMIT logs the accumulator with tag TAG_ACC; the end logs it with TAG_FINAL.

.const TAG_ACC = 2
.const TAG_FINAL = 3

.data
program:
    .word CMD_ADD, 5        ; 5
    .word CMD_MUL, 3        ; 15
    .word CMD_SUB, 4        ; 11
    .word CMD_EMIT, 0       ; log 11
    .word CMD_MUL, 6        ; 66
    .word CMD_ADD, -1       ; 65
    .word CMD_EMIT, 0       ; log 65
    .word CMD_END, 0

.code
main:
    push 0                  ; acc
    push program            ; acc p
.next:
    dup
    load                    ; acc p cmd
    dup
    push CMD_END
    eq
    jnz .done
    dup
    push CMD_COUNT
    ltu
    assert 1                ; fault code 1: unknown command
    push handlers
    add
    load                    ; acc p handler
    swap                    ; acc handler p
    dup
    addi 2
    tor                     ; acc handler p          R: p+2
    addi 1
    load                    ; acc handler arg
    swap                    ; acc arg handler
    calli                   ; acc'
    fromr                   ; acc' p+2
    jmp .next
.done:
    drop                    ; acc p
    drop                    ; acc
    push TAG_FINAL
    emit 1
    halt
