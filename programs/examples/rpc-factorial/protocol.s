; Messages and log tags of the RPC factorial service.
.msg FACT = 1           ; request: payload [tag, n]; answered with RPC_DONE [tag, n!]
.const SERVER = 0       ; the server's node id
.const TAG_FACT = 1     ; client log record: (n, n!, failed attempts)
.const TAG_PROBE = 2    ; client log record: (rpc_call's result for a closed inbox)
