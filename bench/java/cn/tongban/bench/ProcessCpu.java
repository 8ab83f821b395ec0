package cn.tongban.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used so far by the hub's process, PostgreSQL's processes and this JVM, so that a benchmark can
 * say what each request or record cost and who is short of CPU on a shared machine. Linux only
 * (reads /proc).
 */
record ProcessCpu(long hubNanos, long postgresNanos, long ownNanos) {

    /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
    private static final long TICKS = 100;

    /** Now; {@code hubPid} ≤ 0 when the hub shares this JVM (then its CPU is in {@link #ownNanos}). */
    static ProcessCpu now(long hubPid) throws IOException {
        return now(new long[] {hubPid});
    }

    /** Now, the hub's CPU summed over several hub processes (instances sharing one database). */
    static ProcessCpu now(long... hubPids) throws IOException {
        long hub = 0;
        for (long pid : hubPids) {
            hub += pid > 0 ? ticks(pid) : 0;
        }
        long postgres = 0;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    if (Files.readString(process.resolve("comm")).startsWith("postgres")) {
                        postgres += ticks(Long.parseLong(process.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended between listing and reading
                }
            }
        }
        long own = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        return new ProcessCpu(hub * 1_000_000_000L / TICKS, postgres * 1_000_000_000L / TICKS, own);
    }

    /** What was used between {@code before} and this. */
    ProcessCpu since(ProcessCpu before) {
        return new ProcessCpu(
                hubNanos - before.hubNanos, postgresNanos - before.postgresNanos, ownNanos - before.ownNanos);
    }

    /** CPU ticks (user + system) the process has used so far. */
    static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
    }
}
