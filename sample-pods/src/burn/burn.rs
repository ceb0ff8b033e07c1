// burn: a CPU-bound guest. It hashes a counter in a tight loop (FNV-1a over 64 bytes per
// iteration) and prints how many iterations it managed in each second. Run it with and without
// `limits.cpu`: under 250m the rate drops to about a quarter of an unthrottled run, because the
// sandbox enforces the limit like the CFS quota (fuel per 100 ms period).
use std::io::Write;
use std::time::{Duration, Instant};

fn fnv1a(block: &[u8; 64], seed: u64) -> u64 {
    let mut h = 0xcbf29ce484222325u64 ^ seed;
    for b in block.iter() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn main() {
    let name = std::env::var("HOSTNAME").unwrap_or_else(|_| "?".to_string());
    println!("burn: {} hashing as fast as it is allowed to", name);
    let mut block = [0u8; 64];
    let mut h = 0u64;
    let mut total: u64 = 0;
    let mut second: u64 = 0;
    let mut window_start = Instant::now();
    let out = std::io::stdout();
    loop {
        // Check the clock only every 4096 iterations: reading it is a host call.
        for _ in 0..4096 {
            h = fnv1a(&block, h);
            block[(h & 63) as usize] ^= (h >> 8) as u8;
        }
        total += 4096;
        let elapsed = window_start.elapsed();
        if elapsed >= Duration::from_secs(1) {
            second += 1;
            // Integer arithmetic only: float formatting would double the module's size.
            let rate = total * 1000 / (elapsed.as_millis() as u64).max(1);
            let mut o = out.lock();
            let _ = writeln!(o, "burn: second {} {} iterations/s (hash {})", second, rate, h % 1000);
            let _ = o.flush();
            total = 0;
            window_start = Instant::now();
        }
    }
}
