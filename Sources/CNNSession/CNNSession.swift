// CNNSession: one REPL or script session, text in and text out (placeholder until it lands).
import CNNExplain
