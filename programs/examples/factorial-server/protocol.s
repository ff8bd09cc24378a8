; Messages of the factorial service, shared by the server and the client.
.msg FACT = 1           ; request: payload [n]; the reply goes to the reply-to address
.msg FACT_REPLY = 2     ; answer: payload [n!] (wrapping at 32 bits)
