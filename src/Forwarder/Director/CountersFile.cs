namespace Forwarder.Director;

/// <summary>
/// The <c>--counters-file</c>: checked once before the director starts, then rewritten every second. A write
/// that fails later (the directory removed, the disk full) is reported once and retried on the next second:
/// counters are for watching the director, never a reason to stop it.
/// </summary>
public sealed class CountersFile
{
    private readonly TextWriter _errors;
    private bool _failing;

    public CountersFile(string path, TextWriter errors)
    {
        Path = path;
        _errors = errors;
    }

    public string Path { get; }

    /// <summary>
    /// Refuses a path the director could never write: a directory, a file in a directory that does not exist,
    /// one it may not create or open. Leaves nothing behind (a file it had to create for the test goes again).
    /// </summary>
    /// <exception cref="IOException">The path cannot be written, with the reason.</exception>
    public static void Check(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"--counters-file {path}: is a directory");
        }
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            throw new IOException($"--counters-file {path}: no such directory {directory}");
        }
        var existed = File.Exists(path);
        try
        {
            using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write))
            {
            }
            if (!existed)
            {
                File.Delete(path);
            }
        }
        catch (Exception refused) when (refused is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--counters-file {path}: cannot be written ({refused.Message})", refused);
        }
    }

    /// <summary>Replaces the file's text; a failure is reported on the first of a run of failures, and the recovery too.</summary>
    public void Write(string report)
    {
        try
        {
            File.WriteAllText(Path, report);
        }
        catch (Exception failed) when (failed is IOException or UnauthorizedAccessException)
        {
            if (!_failing)
            {
                _failing = true;
                _errors.WriteLine($"forwarder run: cannot write the counters file {Path} ({failed.Message}); still directing, retrying every second");
                _errors.Flush();
            }
            return;
        }
        if (_failing)
        {
            _failing = false;
            _errors.WriteLine($"forwarder run: the counters file {Path} is written again");
            _errors.Flush();
        }
    }
}
