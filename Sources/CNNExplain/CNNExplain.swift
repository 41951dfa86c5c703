// CNNExplain: rendering of values, step headers, traces and summaries (placeholder until it lands).
import CNNCore
import CNNScript
