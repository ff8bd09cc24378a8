; with: inc/msgs_a.s
; Message types: one name in several files is one type; explicit ids win,
; the others get the lowest free ids in order of first declaration.
.msg PING
.msg PONG
.msg ACK = 2
main:
    push PING        ; expect: 0x10000001
    push PONG        ; expect: 0x10000003
    push DATA        ; expect: 0x10000000
    push ACK         ; expect: 0x10000002
