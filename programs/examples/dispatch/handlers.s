; The command handlers of the dispatch example and their table.
; Every handler has the stack effect ( acc arg -- acc' ).

.const CMD_ADD = 0
.const CMD_SUB = 1
.const CMD_MUL = 2
.const CMD_EMIT = 3
.const CMD_COUNT = 4        ; commands below this have a handler
.const CMD_END = 0xff

.data
handlers:
    .word do_add, do_sub, do_mul, do_emit

.code
do_add:
    add
    ret
do_sub:
    sub
    ret
do_mul:
    mul
    ret
do_emit:
    drop                    ; acc
    dup
    push TAG_ACC
    emit 1                  ; log [acc]
    ret
