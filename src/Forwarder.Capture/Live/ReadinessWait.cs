using System.Runtime.InteropServices;

namespace Forwarder.Capture.Live;

/// <summary>
/// The live loop's one wait: on every port's capture descriptor and on an eventfd that <see cref="Wake"/> writes
/// (a queued ipvsadm command, a stop), so one thread serves both interfaces and its commands without a lock.
/// </summary>
public sealed class ReadinessWait : IDisposable
{

    private readonly PollDescriptor[] _poll;
    private readonly int _wake;

    public ReadinessWait(IReadOnlyList<int> descriptors)
    {
        _wake = DescriptorCalls.EventDescriptor(0, DescriptorCalls.EventNonBlocking | DescriptorCalls.EventCloseOnExec);
        if (_wake < 0)
        {
            throw new InvalidOperationException($"cannot create the loop's wake-up descriptor (eventfd: errno {Marshal.GetLastPInvokeError()})");
        }
        _poll = new PollDescriptor[descriptors.Count + 1];
        for (var i = 0; i < descriptors.Count; i++)
        {
            _poll[i] = new PollDescriptor { Descriptor = descriptors[i], Events = DescriptorCalls.PollIn };
        }
        _poll[^1] = new PollDescriptor { Descriptor = _wake, Events = DescriptorCalls.PollIn };
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> for a descriptor to be readable or a wake-up. Returns
    /// whether it was woken; a wake-up is consumed here, before the caller looks at what it was for, so one sent
    /// after that look is not lost.
    /// </summary>
    public bool Wait(int timeoutMilliseconds)
    {
        for (var i = 0; i < _poll.Length; i++)
        {
            _poll[i].ReturnedEvents = 0;
        }
        _ = DescriptorCalls.Poll(_poll, (ulong)_poll.Length, timeoutMilliseconds);
        if ((_poll[^1].ReturnedEvents & DescriptorCalls.PollIn) == 0)
        {
            return false;
        }
        ulong count = 0;
        _ = DescriptorCalls.ReadEvent(_wake, ref count, sizeof(ulong));
        return true;
    }

    /// <summary>
    /// Whether the latest <see cref="Wait"/> found descriptor <paramref name="index"/> (in the order given) readable,
    /// or in error or hung up, which a read must then see. False after a wait that ended on its timeout or a wake-up.
    /// </summary>
    public bool WasReady(int index) => _poll[index].ReturnedEvents != 0;

    /// <summary>Ends the current or the next <see cref="Wait"/> at once. Any thread.</summary>
    public void Wake()
    {
        ulong one = 1;
        _ = DescriptorCalls.WriteEvent(_wake, ref one, sizeof(ulong));
    }

    public void Dispose() => _ = DescriptorCalls.Close(_wake);






}
