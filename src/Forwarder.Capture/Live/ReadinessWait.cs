using System.Runtime.InteropServices;

namespace Forwarder.Capture.Live;

/// <summary>
/// The live loop's one wait: on every port's capture descriptor and on an eventfd that <see cref="Wake"/> writes
/// (a queued ipvsadm command, a stop), so one thread serves both interfaces and its commands without a lock.
/// </summary>
public sealed class ReadinessWait : IDisposable
{
    private const short PollIn = 1;
    private const int EventNonBlocking = 0x800;
    private const int EventCloseOnExec = 0x80000;

    private readonly PollDescriptor[] _poll;
    private readonly int _wake;

    public ReadinessWait(IReadOnlyList<int> descriptors)
    {
        _wake = EventDescriptor(0, EventNonBlocking | EventCloseOnExec);
        if (_wake < 0)
        {
            throw new InvalidOperationException($"cannot create the loop's wake-up descriptor (eventfd: errno {Marshal.GetLastPInvokeError()})");
        }
        _poll = new PollDescriptor[descriptors.Count + 1];
        for (var i = 0; i < descriptors.Count; i++)
        {
            _poll[i] = new PollDescriptor { Descriptor = descriptors[i], Events = PollIn };
        }
        _poll[^1] = new PollDescriptor { Descriptor = _wake, Events = PollIn };
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
        _ = Poll(_poll, (ulong)_poll.Length, timeoutMilliseconds);
        if ((_poll[^1].ReturnedEvents & PollIn) == 0)
        {
            return false;
        }
        ulong count = 0;
        _ = ReadEvent(_wake, ref count, sizeof(ulong));
        return true;
    }

    /// <summary>Ends the current or the next <see cref="Wait"/> at once. Any thread.</summary>
    public void Wake()
    {
        ulong one = 1;
        _ = WriteEvent(_wake, ref one, sizeof(ulong));
    }

    public void Dispose() => _ = CloseDescriptor(_wake);

    [DllImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int EventDescriptor(uint initialValue, int flags);

    [DllImport("libc", EntryPoint = "read")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint ReadEvent(int descriptor, ref ulong value, nuint count);

    [DllImport("libc", EntryPoint = "write")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint WriteEvent(int descriptor, ref ulong value, nuint count);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int CloseDescriptor(int descriptor);

    [DllImport("libc", EntryPoint = "poll")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Poll([In, Out] PollDescriptor[] descriptors, ulong count, int timeoutMilliseconds);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }
}
