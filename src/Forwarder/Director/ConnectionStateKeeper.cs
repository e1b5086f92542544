using Forwarder.Core;
using Forwarder.Core.Connections;
using Forwarder.Core.Engine;

namespace Forwarder.Director;

/// <summary>
/// Keeps the connection table across a restart: restores it from the state file when the director starts (with
/// the wall time since the save taken off every timeout), and writes it there on SIGTERM/SIGINT and on SIGHUP
/// (run-director.sh reload). A file that cannot be read or is not one we wrote is reported and the director starts
/// without it; it never stops a director from starting.
/// </summary>
public sealed class ConnectionStateKeeper
{
    /// <summary>Far more than one entry's line takes (about 120 bytes), so that no file we wrote is refused.</summary>
    private const long BytesPerEntry = 256;

    private readonly ConnectionStateFile _file;
    private readonly DirectorEngine _engine;
    private readonly TextWriter _output;
    private readonly TextWriter _errors;
    private readonly Lock _saving = new();

    public ConnectionStateKeeper(ConnectionStateFile file, DirectorEngine engine, TextWriter output, TextWriter errors)
    {
        _file = file;
        _engine = engine;
        _output = output;
        _errors = errors;
    }

    public string Path => _file.Path;

    /// <summary>The wall clock in µs since the epoch, the live engine's clock.</summary>
    public static long WallClock() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;

    /// <summary>Restores what the file holds into the (still idle) engine, reports it, and removes the file.</summary>
    public void Restore()
    {
        string? text;
        IReadOnlyList<SavedConnection> saved;
        long savedAt;
        try
        {
            text = _file.Read((_engine.Connections.Maximum * BytesPerEntry) + 4096);
            if (text is null)
            {
                return;
            }
            saved = ConnectionStateFormat.Parse(text, _engine.Connections.Maximum, out savedAt);
        }
        catch (Exception refused) when (refused is LineFormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            _errors.WriteLine($"forwarder run: state file {_file.Path}: {refused.Message}; starting without it");
            _errors.Flush();
            return;
        }
        var now = WallClock();
        var elapsed = Math.Max(0, now - savedAt);
        var report = _engine.RestoreConnections(saved, now, elapsed);
        _file.Remove();
        var dropped = report.Dropped == 0 ? string.Empty
            : $"; dropped {report.Dropped} ({report.DroppedNoDestination} whose service or real server is gone, {report.Expired} expired, {report.RefusedFull} over the table's bound)";
        _output.WriteLine($"forwarder: restored {report.Connections} connection(s) and {report.Templates} template(s) from {_file.Path}, saved {elapsed / 1_000_000.0:0.0} s ago{dropped}");
        _output.Flush();
    }

    /// <summary>
    /// Writes the table to the file: the snapshot is taken under <paramref name="engineLock"/> (between two frames),
    /// formatted and written outside it. False when it could not be written (reported).
    /// </summary>
    public bool Save(object engineLock)
    {
        lock (_saving)
        {
            List<SavedConnection> saved;
            long now;
            lock (engineLock)
            {
                now = Math.Max(WallClock(), _engine.Now);
                saved = _engine.Connections.Snapshot(now);
            }
            try
            {
                _file.Write(ConnectionStateFormat.Write(saved, now));
            }
            catch (IOException failed)
            {
                _errors.WriteLine($"forwarder run: {failed.Message}");
                _errors.Flush();
                return false;
            }
            var templates = saved.Count(s => s.IsTemplate);
            _output.WriteLine($"forwarder: {saved.Count - templates} connection(s) and {templates} template(s) saved to {_file.Path}");
            _output.Flush();
            return true;
        }
    }
}
