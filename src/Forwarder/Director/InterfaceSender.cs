using Forwarder.Capture.Live;

namespace Forwarder.Director;

/// <summary>
/// The thread that transmits one interface's share of the batches <see cref="InterfaceSenders"/> hands it, in the
/// order handed. The queue holds batch numbers; it never holds more than the batches there are, so it cannot fill.
/// </summary>
internal sealed class InterfaceSender : IDisposable
{
    private readonly IDirectorPort _port;
    private readonly int _interfaceIndex;
    private readonly InterfaceSenders _owner;
    private readonly int[] _queue = new int[InterfaceSenders.BatchCount];
    private readonly SemaphoreSlim _posted = new(0);
    private readonly Thread _thread;
    private int _head;
    private int _tail;
    private volatile bool _stopping;

    public InterfaceSender(IDirectorPort port, int interfaceIndex, InterfaceSenders owner)
    {
        _port = port;
        _interfaceIndex = interfaceIndex;
        _owner = owner;
        _thread = new Thread(Run) { IsBackground = true, Name = $"send {port.Name}" };
        _thread.Start();
    }

    /// <summary>Whether every batch posted has been sent (read on the engine's thread, the only poster).</summary>
    public bool IsIdle => Volatile.Read(ref _tail) == _head;

    /// <summary>From the engine's thread only.</summary>
    public void Post(int batchIndex)
    {
        _queue[_head % _queue.Length] = batchIndex;
        Volatile.Write(ref _head, _head + 1);
        _posted.Release();
    }

    private void Run()
    {
        while (true)
        {
            _posted.Wait();
            if (Volatile.Read(ref _tail) == Volatile.Read(ref _head))
            {
                if (_stopping)
                {
                    return;
                }
                continue;
            }
            var batchIndex = _queue[_tail % _queue.Length];
            _port.Transmit(_owner.BatchAt(batchIndex), _interfaceIndex);
            Volatile.Write(ref _tail, _tail + 1);
            _owner.Sent(batchIndex);
        }
    }

    /// <summary>Sends what was posted, then ends the thread.</summary>
    public void Dispose()
    {
        _stopping = true;
        _posted.Release();
        _thread.Join();
        _posted.Dispose();
    }
}
