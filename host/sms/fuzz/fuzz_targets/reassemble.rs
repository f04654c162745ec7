//! Fuzz the reassembler with an arbitrary stream of parts and clock steps: it must
//! stay within its bounds and account for every part it was given.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use plutanium_sms::{ConcatKey, Pushed, Reassembler, ReassemblyLimits};

fuzz_target!(|data: &[u8]| {
    let limits = ReassemblyLimits {
        timeout: Duration::from_secs(30),
        max_messages: 8,
        max_parts: 16,
    };
    let mut r: Reassembler<u32> = Reassembler::new(limits);
    let mut now = Duration::ZERO;
    let (mut given, mut returned) = (0usize, 0usize);
    for (i, chunk) in data.chunks_exact(5).enumerate() {
        let key = ConcatKey {
            sender: format!("+{}", chunk[0] % 4),
            reference: u16::from(chunk[1] % 4),
            total: chunk[2] % 6,
        };
        now += Duration::from_secs(u64::from(chunk[4] % 16));
        given += 1;
        let out = r.push(key, chunk[3] % 7, i as u32, now);
        returned += out.evicted.iter().map(|e| e.parts.len()).sum::<usize>();
        returned += match out.pushed {
            Pushed::Complete(parts) => parts.len(),
            Pushed::Waiting { .. } => 0,
            Pushed::Duplicate(_) | Pushed::Invalid(_) => 1,
        };
        returned += r.expire(now).iter().map(|e| e.parts.len()).sum::<usize>();
        assert!(r.pending_messages() <= limits.max_messages);
        assert!(r.pending_parts() <= limits.max_parts);
    }
    returned += r.drain().iter().map(|e| e.parts.len()).sum::<usize>();
    assert_eq!(given, returned, "every part comes back exactly once");
});
