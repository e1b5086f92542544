namespace Forwarder.Monitoring;

/// <summary>
/// <c>--procfs-dir DIR</c>: a directory laid out as /proc is for IPVS, <c>DIR/net/ip_vs</c>, <c>ip_vs_stats</c>,
/// <c>ip_vs_stats_percpu</c> and <c>ip_vs_conn</c>, for tools that read the kernel's files (node_exporter with
/// <c>--path.procfs=DIR</c>). Each file is replaced whole (written aside, then renamed over the old one), so a
/// reader never sees half a file. A write that fails is reported once and retried the next second, as the
/// counters file is; the files are removed when the director stops, as the kernel's go with IPVS.
/// </summary>
public sealed class ProcNetDirectory
{
    public static readonly IReadOnlyList<string> FileNames = ["ip_vs", "ip_vs_stats", "ip_vs_stats_percpu", "ip_vs_conn"];

    private readonly TextWriter _errors;
    private bool _failing;

    public ProcNetDirectory(string root, TextWriter errors)
    {
        Root = root;
        NetDirectory = Path.Combine(root, "net");
        _errors = errors;
    }

    /// <summary>What node_exporter's --path.procfs names.</summary>
    public string Root { get; }

    public string NetDirectory { get; }

    /// <summary>
    /// Refuses a path the director could never use: a file, or a directory (or, where it does not exist yet, the
    /// nearest existing parent, since the director creates DIR/net when it starts) it cannot write in. Changes nothing.
    /// </summary>
    /// <exception cref="IOException">Why the directory cannot be used.</exception>
    public static void Check(string root)
    {
        var full = Path.GetFullPath(root);
        if (File.Exists(full))
        {
            throw new IOException($"--procfs-dir {root}: is a file, not a directory");
        }
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new IOException($"--procfs-dir {root}: {existing} is a file, not a directory");
            }
            existing = Path.GetDirectoryName(existing) ?? "/";
        }
        try
        {
            var probe = Path.Combine(existing, $".forwarder-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception refused) when (refused is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--procfs-dir {root}: {existing} cannot be written ({refused.Message})", refused);
        }
    }

    /// <summary>Replaces the four files with these texts (indexed like <see cref="FileNames"/>).</summary>
    public void Write(IReadOnlyList<string> texts)
    {
        try
        {
            Directory.CreateDirectory(NetDirectory);
            for (var i = 0; i < FileNames.Count; i++)
            {
                var path = Path.Combine(NetDirectory, FileNames[i]);
                var aside = Path.Combine(NetDirectory, "." + FileNames[i] + ".new");
                File.WriteAllText(aside, texts[i]);
                File.Move(aside, path, overwrite: true);
            }
        }
        catch (Exception failed) when (failed is IOException or UnauthorizedAccessException)
        {
            if (!_failing)
            {
                _failing = true;
                _errors.WriteLine($"forwarder run: cannot write the procfs directory {Root} ({failed.Message}); still directing, retrying every second");
                _errors.Flush();
            }
            return;
        }
        if (_failing)
        {
            _failing = false;
            _errors.WriteLine($"forwarder run: the procfs directory {Root} is written again");
            _errors.Flush();
        }
    }

    /// <summary>Removes the files (and any left aside); the directories stay, as the operator may have made them.</summary>
    public void Remove()
    {
        foreach (var name in FileNames)
        {
            TryDelete(Path.Combine(NetDirectory, name));
            TryDelete(Path.Combine(NetDirectory, "." + name + ".new"));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ignored) when (ignored is IOException or UnauthorizedAccessException)
        {
            // Gone already, or not ours to remove: nothing more to do at stop.
        }
    }
}
