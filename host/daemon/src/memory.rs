//! How the process asks glibc's allocator to hold memory.

/// Caps glibc's malloc arenas at two, unless `MALLOC_ARENA_MAX` says
/// otherwise. Called first in `main`, before any thread exists.
///
/// By default glibc gives threads up to eight arenas per core, and each
/// keeps the memory its threads freed. The daemon's threads are many (the
/// async workers, a blocking pool for store calls, wasmtime's epoch ticker)
/// and most allocate little; under a burst, each arena they touched kept
/// its high-water mark. With two, the footprint bench's peak fell by about
/// 3 MiB at the same throughput (docs/benchmarks.md).
pub(crate) fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter, and no other
        // thread exists yet to be allocating meanwhile.
        #[allow(unsafe_code)]
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

/// Lets go of what starting took: the free memory at the top and in the
/// middle of the heap (`malloc_trim`), and the pages of the program's own
/// code and read-only data that are resident now.
///
/// Called once the gateway runs (and after a reload). What start-up alone
/// touched (argument parsing, the config and its checks, migrations, loading
/// components) would otherwise stay mapped for the life of the process:
/// clean pages of the binary, which Linux maps 64 KiB around each one
/// touched. Dropped, they stay in the OS's page cache as ordinary cached
/// file data, reclaimed first under memory pressure; what the running
/// daemon touches again comes back from there at the cost of a minor fault
/// per page, once. Only segments without write permission are dropped, so
/// no page that holds relocated pointers (RELRO lies in the writable
/// segment) or data is ever touched.
pub(crate) fn release_start_pages() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim takes the allocator's locks like any malloc
        // call. dl_iterate_phdr calls `drop_read_only_segments` with headers
        // that the loader keeps for the process's life.
        #[allow(unsafe_code)]
        unsafe {
            libc::malloc_trim(0);
            libc::dl_iterate_phdr(Some(drop_read_only_segments), std::ptr::null_mut());
        }
    }
}

/// For the first object `dl_iterate_phdr` reports, the program itself:
/// `MADV_DONTNEED` on each loaded segment that is not writable, its pages
/// rounded inward. Returns 1 to stop after it.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
unsafe extern "C" fn drop_read_only_segments(
    info: *mut libc::dl_phdr_info,
    _size: libc::size_t,
    _data: *mut libc::c_void,
) -> libc::c_int {
    // SAFETY: the loader passes a valid `info` whose `dlpi_phdr` points at
    // `dlpi_phnum` program headers, for the duration of the call.
    let (base, headers) = unsafe {
        let info = &*info;
        (
            info.dlpi_addr as usize,
            std::slice::from_raw_parts(info.dlpi_phdr, usize::from(info.dlpi_phnum)),
        )
    };
    // SAFETY: sysconf has no preconditions.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
    for header in headers {
        if header.p_type != libc::PT_LOAD || header.p_flags & libc::PF_W != 0 {
            continue;
        }
        let start = (base + header.p_vaddr as usize).next_multiple_of(page);
        let end = (base + (header.p_vaddr + header.p_memsz) as usize) / page * page;
        if end > start {
            // SAFETY: the range lies within a read-only mapping of the
            // program's file that nothing wrote to; dropping it only means
            // the next access reads the page from the file again. An error
            // (none is expected) leaves the pages where they are.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
            }
        }
    }
    1
}
