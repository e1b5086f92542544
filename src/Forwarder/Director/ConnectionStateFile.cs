using System.Runtime.InteropServices;
using System.Text;

namespace Forwarder.Director;

/// <summary>
/// The <c>--state-file</c> on disk: written atomically (a temporary file beside it, flushed to disk, renamed over it,
/// the directory flushed), so a reader finds the old file or the new one, never half of one; read with a bound on
/// its size, and removed once restored, so that a later start (after a kill -9, say) does not restore it twice.
/// </summary>
public sealed class ConnectionStateFile
{
    public const string DefaultName = "connections.state";

    /// <summary>The environment variable naming the director's state directory (run-director.sh's FORWARDER_STATE).</summary>
    public const string StateDirectoryVariable = "FORWARDER_STATE";

    public const string DefaultStateDirectory = "/run/forwarder";

    public ConnectionStateFile(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary><c>--state-file</c> when given, else connections.state in $FORWARDER_STATE (default /run/forwarder).</summary>
    public static string Resolve(string? option, string? stateDirectory) =>
        !string.IsNullOrEmpty(option) ? option : System.IO.Path.Combine(string.IsNullOrEmpty(stateDirectory) ? DefaultStateDirectory : stateDirectory, DefaultName);

    /// <exception cref="IOException">It could not be written (the old file, if any, is left as it was).</exception>
    public void Write(string text)
    {
        var full = System.IO.Path.GetFullPath(Path);
        var directory = System.IO.Path.GetDirectoryName(full) ?? "/";
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.ASCII.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
            FlushDirectory(directory);
        }
        catch (Exception failed) when (failed is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new IOException($"cannot write the state file {Path}: {failed.Message}", failed);
        }
    }

    /// <summary>The file's text, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">It is larger than <paramref name="maximumBytes"/> or not ASCII text.</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    public string? Read(long maximumBytes)
    {
        if (!File.Exists(Path))
        {
            return Directory.Exists(Path) ? throw new InvalidDataException("is a directory") : null;
        }
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read);
        if (stream.Length > maximumBytes)
        {
            throw new InvalidDataException($"{stream.Length} bytes is more than a state file for this table can hold ({maximumBytes})");
        }
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        if (Array.Exists(bytes, b => b > 0x7E || (b < 0x20 && b != (byte)'\n')))
        {
            throw new InvalidDataException("not a text state file (control or non-ASCII bytes)");
        }
        return Encoding.ASCII.GetString(bytes);
    }

    public void Remove() => TryDelete(Path);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception failed) when (failed is IOException or UnauthorizedAccessException)
        {
            // Best effort: a file left behind is overwritten by the next save.
        }
    }

    /// <summary>fsync of the directory, so that the rename itself survives a crash of the host.</summary>
    private static void FlushDirectory(string directory)
    {
        var descriptor = Open(directory, 0);
        if (descriptor < 0)
        {
            return;
        }
        var flushed = Fsync(descriptor) == 0;
        if (Close(descriptor) != 0 || !flushed)
        {
            throw new IOException($"cannot flush the directory {directory}");
        }
    }

    [DllImport("libc", EntryPoint = "open")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int descriptor);
}
