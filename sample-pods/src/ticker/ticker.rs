// ticker: the DaemonSet demo. Every 5 s it prints which node it runs on ($NODE_NAME, set from
// the downward API's spec.nodeName), so `kubectl logs -l app=ticker --prefix` shows one pod per node.
// std::thread::sleep becomes a poll_oneoff clock subscription in the sandbox.
use std::io::Write;
use std::thread::sleep;
use std::time::Duration;

fn main() {
    let node = std::env::var("NODE_NAME").unwrap_or_else(|_| "unknown (NODE_NAME unset)".to_string());
    let every: u64 = std::env::var("INTERVAL_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let out = std::io::stdout();
    let mut tick: u64 = 0;
    loop {
        tick += 1;
        {
            let mut o = out.lock();
            let _ = writeln!(o, "running on node {} (tick {})", node, tick);
            let _ = o.flush();
        }
        sleep(Duration::from_secs(every));
    }
}
