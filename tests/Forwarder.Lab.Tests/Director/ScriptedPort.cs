using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Forwarder.Capture.Live;
using Forwarder.Core.Transmit;

namespace Forwarder.Lab.Tests.Director;

/// <summary>
/// An interface for the live loop whose frames the test queues and whose transmits it records: the loop, the engine
/// and the command queue are the real ones, only the wire is in memory. Readable (an eventfd in semaphore mode)
/// exactly while frames wait, as a capture descriptor is.
/// </summary>
internal sealed class ScriptedPort : IDirectorPort, IDisposable
{
    private const int Semaphore = 1;
    private const int NonBlocking = 0x800;

    private readonly ConcurrentQueue<(byte[] Frame, long Time)> _waiting = new();
    private readonly int _ready;
    private long _read;
    private long _readAttempts;

    public ScriptedPort(string name)
    {
        Name = name;
        _ready = EventDescriptor(0, Semaphore | NonBlocking);
        Assert.That(_ready, Is.GreaterThanOrEqualTo(0), "eventfd");
    }

    public string Name { get; }

    public int ReadinessDescriptor => _ready;

    /// <summary>Called on the loop's thread after each frame is read, with how many this port has handed over.</summary>
    public Action<long>? AfterRead { get; set; }

    /// <summary>At most this many frames of a transmit go; the rest fail, as with a device that has no room. Unlimited when null.</summary>
    public int? AcceptsPerTransmit { get; set; }

    /// <summary>Called at the start of each transmit, on the transmitting thread: a test may hold the transmit there.</summary>
    public Action? BeforeTransmit { get; set; }

    /// <summary>The managed thread of each transmit call.</summary>
    public ConcurrentQueue<int> TransmitThreads { get; } = new();

    /// <summary>Each transmit call, with the frames that went (copies).</summary>
    public ConcurrentQueue<byte[][]> Transmits { get; } = new();

    public long Received => Interlocked.Read(ref _read);

    /// <summary>Calls to <see cref="TryRead"/>, those that found nothing among them.</summary>
    public long ReadAttempts => Interlocked.Read(ref _readAttempts);

    public long Sent { get; private set; }

    public long SendFailures { get; private set; }

    public long UnreadAtStop { get; private set; }

    public void Enqueue(byte[] frame, long time)
    {
        _waiting.Enqueue((frame, time));
        ulong one = 1;
        _ = WriteEvent(_ready, ref one, sizeof(ulong));
    }

    public bool TryRead(byte[] buffer, out int length, out long timestamp)
    {
        Interlocked.Increment(ref _readAttempts);
        if (!_waiting.TryDequeue(out var next))
        {
            length = 0;
            timestamp = 0;
            return false;
        }
        ulong count = 0;
        _ = ReadEvent(_ready, ref count, sizeof(ulong));
        next.Frame.CopyTo(buffer, 0);
        length = next.Frame.Length;
        timestamp = next.Time;
        // Counted first: a null-conditional call would not evaluate its argument.
        var read = Interlocked.Increment(ref _read);
        AfterRead?.Invoke(read);
        return true;
    }

    public int Transmit(OutputBatch batch, int interfaceIndex)
    {
        BeforeTransmit?.Invoke();
        TransmitThreads.Enqueue(Environment.CurrentManagedThreadId);
        var frames = new List<byte[]>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.InterfaceAt(i) != interfaceIndex)
            {
                continue;
            }
            if (AcceptsPerTransmit is { } limit && frames.Count == limit)
            {
                SendFailures++;
                continue;
            }
            frames.Add(batch.FrameAt(i).ToArray());
        }
        Sent += frames.Count;
        Transmits.Enqueue([.. frames]);
        return frames.Count;
    }

    public (uint Received, uint Dropped, uint InterfaceDropped) Statistics() => ((uint)Received, 0, 0);

    public int DiscardUnread()
    {
        var count = 0;
        while (_waiting.TryDequeue(out _))
        {
            count++;
        }
        UnreadAtStop += count;
        return count;
    }

    public void Dispose() => _ = CloseDescriptor(_ready);

    [DllImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static extern int EventDescriptor(uint initialValue, int flags);

    [DllImport("libc", EntryPoint = "read")]
    private static extern nint ReadEvent(int descriptor, ref ulong value, nuint count);

    [DllImport("libc", EntryPoint = "write")]
    private static extern nint WriteEvent(int descriptor, ref ulong value, nuint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int CloseDescriptor(int descriptor);
}
