using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Forwarder.Core.Frames;
using Forwarder.Core.Transmit;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Forwarder.Capture.Live;

/// <summary>
/// One network interface the director captures from and injects into, through libpcap: promiscuous,
/// immediate mode (no batching delay), inbound frames only — so the director never sees its own
/// injected frames — and a kernel (BPF) filter so only frames it may have to handle reach user space.
/// Every frame libpcap counts is accounted for here (see <see cref="Statistics"/>): read, dropped by the kernel for
/// want of ring space, discarded unread at stop, or still waiting in the ring. The counters may be read from any thread.
/// A batch leaves through a <see cref="PacketSocketSender"/> (one sendmmsg) when the port has one, else frame by
/// frame through libpcap.
/// </summary>
public sealed class LivePort : IDirectorPort, IDisposable
{
    private const int PcapDirectionIn = 1;
    private const int SocketLevel = 1;
    private const int AttachFilter = 26;
    private const int PacketLevel = 263;
    private const int PacketIgnoreOutgoing = 23;

    /// <summary>At most this many frames are read and discarded at stop, so a flood still arriving cannot hold the stop up.</summary>
    private const int MaximumUnreadAtStop = 1 << 20;

    private readonly LibPcapLiveDevice _device;
    private readonly PacketSocketSender? _sender;
    private readonly PollDescriptor[] _poll = new PollDescriptor[2];
    private readonly int _readTimeoutMilliseconds;
    private readonly int _wakeDescriptor;
    private long _received;
    private long _sent;
    private long _sendFailures;
    private long _pcapSends;
    private long _unreadAtStop;
    private readonly PcapStatistics _baseline;
    // pcap_dispatch's callback finds the port through this handle, and the read in progress through the fields below.
    private GCHandle _self;
    private byte[][] _dispatchBuffers = [];
    private int[] _dispatchLengths = [];
    private long[] _dispatchTimes = [];
    private int _dispatchLimit;
    private int _dispatched;

    /// <param name="sender">Sends <see cref="Transmit"/>'s batches; the port disposes it. Without one, libpcap sends.</param>
    public LivePort(string interfaceName, string filter, int readTimeoutMilliseconds = 50, PacketSocketSender? sender = null)
    {
        Name = interfaceName;
        _sender = sender;
        _device = LibPcapLiveDeviceList.New()[interfaceName]
            ?? throw new InvalidOperationException($"{interfaceName}: no such interface for libpcap");
        _device.Open(new DeviceConfiguration
        {
            Mode = DeviceModes.Promiscuous,
            Immediate = true,
            // Whole frames, GRO's merged ones too (run --gro); libpcap sizes its ring's slots by the MTU where no offload is on.
            Snaplen = FrameLayout.MaximumFrameLength,
            ReadTimeout = readTimeoutMilliseconds,
            BufferSize = 16 << 20,
        });
        if (SetDirection(_device.Handle.DangerousGetHandle(), PcapDirectionIn) != 0)
        {
            throw new InvalidOperationException($"{interfaceName}: libpcap cannot restrict capture to inbound frames");
        }
        _device.Filter = filter;
        // pcap_setdirection drops outgoing frames in user space, after the kernel counted them in ps_recv; "inbound" in
        // the kernel's filter drops them before they are counted, so the counts add up. Only in the kernel's: libpcap
        // runs its own copy of the filter in user space on the first frame after pcap_setfilter, where "inbound" (the
        // kernel's packet-type field) cannot be read and would refuse every frame.
        AttachKernelFilter(interfaceName, $"inbound and ({filter})");
        var descriptor = SelectableDescriptor(_device.Handle.DangerousGetHandle());
        IgnoresOutgoing = IgnoreOutgoing(descriptor);
        // In immediate mode libpcap's own read can block past its timeout, so the port reads without
        // blocking and waits on the capture's descriptor itself: a stop request is seen within the timeout.
        _device.NonBlockingMode = true;
        _readTimeoutMilliseconds = readTimeoutMilliseconds;
        _poll[0] = new PollDescriptor { Descriptor = descriptor, Events = DescriptorCalls.PollIn };
        // An eventfd waited on beside the capture: Wake ends the wait at once, so a queued command need not wait out the timeout.
        _wakeDescriptor = DescriptorCalls.EventDescriptor(0, DescriptorCalls.EventNonBlocking | DescriptorCalls.EventCloseOnExec);
        if (_wakeDescriptor < 0)
        {
            _device.Close();
            throw new InvalidOperationException($"{interfaceName}: cannot create the wake-up descriptor (eventfd: errno {Marshal.GetLastPInvokeError()})");
        }
        _poll[1] = new PollDescriptor { Descriptor = _wakeDescriptor, Events = DescriptorCalls.PollIn };
        // Frames that reached the ring before the filter was set are counted by the kernel, and libpcap filters them
        // out in user space without a word: read them away, and count from here.
        var header = IntPtr.Zero;
        var data = IntPtr.Zero;
        for (var i = 0; i < MaximumUnreadAtStop && _device.GetNextPacketPointers(ref header, ref data) == 1; i++)
        {
        }
        _baseline = ReadStatistics();
        // Last, so that a constructor that throws leaves no handle behind; Dispose frees it.
        _self = GCHandle.Alloc(this);
    }

    public string Name { get; }

    /// <summary>
    /// Whether the kernel leaves this capture out of the frames the host sends (PACKET_IGNORE_OUTGOING, Linux 4.20):
    /// otherwise each frame the director sends is cloned for it, only for the "inbound" filter to throw away.
    /// </summary>
    public bool IgnoresOutgoing { get; }

    /// <summary>Frames read from libpcap and handed on (<see cref="TryReceive"/> returned true).</summary>
    public long Received => Interlocked.Read(ref _received);

    public long Sent => Interlocked.Read(ref _sent) + (_sender?.Sent ?? 0);

    public long SendFailures => Interlocked.Read(ref _sendFailures) + (_sender?.Failures ?? 0);

    public int ReadinessDescriptor => _poll[0].Descriptor;

    /// <summary>How the port's batches leave: "sendmmsg" (with or without the qdisc bypass) or "pcap".</summary>
    public string TransmitPath => _sender is null ? "pcap" : _sender.BypassesQueueingDiscipline ? "sendmmsg, qdisc bypassed" : "sendmmsg";

    /// <summary>Transmit calls made to the kernel for batches: frames sent per call is the batching achieved.</summary>
    public long SentOffloaded => _sender?.Offloaded ?? 0;

    public long TransmitCalls => (_sender?.SystemCalls ?? 0) + Interlocked.Read(ref _pcapSends);

    /// <summary>Frames libpcap still held when the director stopped, read and discarded by <see cref="DiscardUnread"/>.</summary>
    public long UnreadAtStop => Interlocked.Read(ref _unreadAtStop);

    /// <summary>
    /// Copies the next captured frame into <paramref name="buffer"/> (its length and time in µs), or returns
    /// false after the read timeout or at once after <see cref="Wake"/>. Reads libpcap's own header and data
    /// pointers: nothing is allocated per frame. Call it from one thread.
    /// </summary>
    public bool TryReceive(byte[] buffer, out int length, out long timestamp)
    {
        length = 0;
        timestamp = 0;
        var header = IntPtr.Zero;
        var data = IntPtr.Zero;
        if (_device.GetNextPacketPointers(ref header, ref data) != 1)
        {
            _poll[0].ReturnedEvents = 0;
            _poll[1].ReturnedEvents = 0;
            var ready = DescriptorCalls.Poll(_poll, 2, _readTimeoutMilliseconds);
            if ((_poll[1].ReturnedEvents & DescriptorCalls.PollIn) != 0)
            {
                // Reset before the caller looks at what woke it, so a wake-up sent after that look is not lost.
                ulong count = 0;
                _ = DescriptorCalls.ReadEvent(_wakeDescriptor, ref count, sizeof(ulong));
                return false;
            }
            if (ready <= 0 || _device.GetNextPacketPointers(ref header, ref data) != 1)
            {
                return false;
            }
        }
        Copy(header, data, buffer, out length, out timestamp);
        return true;
    }

    private void Copy(IntPtr header, IntPtr data, byte[] buffer, out int length, out long timestamp)
    {
        // struct pcap_pkthdr on 64-bit Linux: struct timeval (two longs), then caplen and len (two uints).
        var seconds = Marshal.ReadInt64(header, 0);
        var microseconds = Marshal.ReadInt64(header, 8);
        length = Math.Min(Marshal.ReadInt32(header, 16), buffer.Length);
        Marshal.Copy(data, buffer, 0, length);
        timestamp = (seconds * 1_000_000) + microseconds;
        Interlocked.Increment(ref _received);
    }

    /// <summary>
    /// Up to <paramref name="count"/> frames in one pcap_dispatch, copied as they come, or 0 at once when none waits.
    /// libpcap looks at its ring before it polls: called when the capture is readable, it reads without a system call,
    /// where reading frame by frame until none is left ends in one. Allocates nothing.
    /// </summary>
    public unsafe int TryReadMany(byte[][] buffers, int[] lengths, long[] timestamps, int count)
    {
        count = Math.Min(count, Math.Min(buffers.Length, Math.Min(lengths.Length, timestamps.Length)));
        if (count <= 0)
        {
            return 0;
        }
        _dispatchBuffers = buffers;
        _dispatchLengths = lengths;
        _dispatchTimes = timestamps;
        _dispatchLimit = count;
        _dispatched = 0;
        // Its result is the count, or negative on an error, after which no frame is lost: the callback counted what came.
        _ = Dispatch(_device.Handle.DangerousGetHandle(), count, &OnDispatched, GCHandle.ToIntPtr(_self));
        return _dispatched;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnDispatched(IntPtr user, IntPtr header, IntPtr data)
    {
        // No exception may leave a callback libpcap calls: nothing here throws, and libpcap delivers at most the limit.
        var port = (LivePort)GCHandle.FromIntPtr(user).Target!;
        var i = port._dispatched;
        if (i >= port._dispatchLimit)
        {
            return;
        }
        port.Copy(header, data, port._dispatchBuffers[i], out port._dispatchLengths[i], out port._dispatchTimes[i]);
        port._dispatched = i + 1;
    }

    /// <summary>The next frame libpcap holds, copied into <paramref name="buffer"/>, or false at once when none waits. Allocates nothing.</summary>
    public bool TryRead(byte[] buffer, out int length, out long timestamp)
    {
        var header = IntPtr.Zero;
        var data = IntPtr.Zero;
        if (_device.GetNextPacketPointers(ref header, ref data) != 1)
        {
            length = 0;
            timestamp = 0;
            return false;
        }
        Copy(header, data, buffer, out length, out timestamp);
        return true;
    }

    /// <summary>Sends the batch's frames for <paramref name="interfaceIndex"/>: in one sendmmsg with a sender, else one by one.</summary>
    public int Transmit(OutputBatch batch, int interfaceIndex)
    {
        if (_sender is not null)
        {
            return _sender.Send(batch, interfaceIndex);
        }
        var sent = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.InterfaceAt(i) == interfaceIndex)
            {
                Interlocked.Increment(ref _pcapSends);
                sent += Send(batch.FrameAt(i)) ? 1 : 0;
            }
        }
        return sent;
    }

    /// <summary>Compiles a filter with libpcap and gives it to the capture socket itself (SO_ATTACH_FILTER), leaving libpcap's own copy as it was.</summary>
    private void AttachKernelFilter(string interfaceName, string expression)
    {
        var handle = _device.Handle.DangerousGetHandle();
        var program = default(BpfProgram);
        if (Compile(handle, ref program, expression, 1, 0xFFFFFFFF) != 0)
        {
            throw new InvalidOperationException($"{interfaceName}: cannot compile the capture filter '{expression}': {_device.LastError}");
        }
        try
        {
            var socketProgram = new SocketFilterProgram { Length = checked((ushort)program.Length), Instructions = program.Instructions };
            if (SetSocketOption(SelectableDescriptor(handle), SocketLevel, AttachFilter, ref socketProgram, (uint)Marshal.SizeOf<SocketFilterProgram>()) != 0)
            {
                throw new InvalidOperationException($"{interfaceName}: the kernel refused the capture filter (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            FreeCode(ref program);
        }
    }

    /// <summary>Ends a <see cref="TryReceive"/> waiting for frames, now or at its next wait. Any thread.</summary>
    public void Wake()
    {
        ulong one = 1;
        _ = DescriptorCalls.WriteEvent(_wakeDescriptor, ref one, sizeof(ulong));
    }

    /// <summary>
    /// At stop, after the last <see cref="TryReceive"/>: reads what libpcap still holds and counts it as unread, so the
    /// frames the kernel counted and no one read are not lost from the counts. Returns how many.
    /// </summary>
    public int DiscardUnread()
    {
        var header = IntPtr.Zero;
        var data = IntPtr.Zero;
        var count = 0;
        while (count < MaximumUnreadAtStop && _device.GetNextPacketPointers(ref header, ref data) == 1)
        {
            count++;
        }
        Interlocked.Add(ref _unreadAtStop, count);
        return count;
    }

    /// <summary>Sends a frame through libpcap; any thread may, so the counts are interlocked.</summary>
    public bool Send(ReadOnlySpan<byte> frame)
    {
        try
        {
            _device.SendPacket(frame, null!);
            Interlocked.Increment(ref _sent);
            return true;
        }
        catch (PcapException)
        {
            Interlocked.Increment(ref _sendFailures);
            return false;
        }
    }

    /// <summary>
    /// libpcap's pcap_stats: frames that passed the kernel's filter (<c>ps_recv</c>, those dropped included), those
    /// the kernel dropped for want of ring space (<c>ps_drop</c>) and those the interface dropped (<c>ps_ifdrop</c>).
    /// Read directly: SharpPcap reads Linux's <c>struct pcap_stat</c> (three 32-bit counts) as three 64-bit ones, so
    /// its DroppedPackets is really ps_ifdrop and the kernel's drops were never seen. Counted from the moment the
    /// port was ready (its filter set); like libpcap's, the counts wrap at 2^32.
    /// </summary>
    public (uint Received, uint Dropped, uint InterfaceDropped) Statistics()
    {
        var now = ReadStatistics();
        return (unchecked(now.Received - _baseline.Received), unchecked(now.Dropped - _baseline.Dropped),
            unchecked(now.InterfaceDropped - _baseline.InterfaceDropped));
    }

    private PcapStatistics ReadStatistics()
    {
        var statistics = default(PcapStatistics);
        if (ReadStatistics(_device.Handle.DangerousGetHandle(), ref statistics) != 0)
        {
            throw new InvalidOperationException($"{Name}: pcap_stats failed: {_device.LastError}");
        }
        return statistics;
    }

    public void Dispose()
    {
        _sender?.Dispose();
        _device.Close();
        if (_self.IsAllocated)
        {
            _self.Free();
        }
        _ = DescriptorCalls.Close(_wakeDescriptor);
    }

    [DllImport("libpcap.so.0.8", EntryPoint = "pcap_dispatch")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern unsafe int Dispatch(IntPtr handle, int count, delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, void> callback, IntPtr user);

    [DllImport("libpcap.so.0.8", EntryPoint = "pcap_get_selectable_fd")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SelectableDescriptor(IntPtr handle);

    [DllImport("libpcap.so.0.8", EntryPoint = "pcap_compile")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Compile(IntPtr handle, ref BpfProgram program, [MarshalAs(UnmanagedType.LPUTF8Str)] string expression, int optimize, uint netmask);

    [DllImport("libpcap.so.0.8", EntryPoint = "pcap_freecode")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern void FreeCode(ref BpfProgram program);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetSocketOption(int descriptor, int level, int option, ref SocketFilterProgram value, uint length);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetSocketOption(int descriptor, int level, int option, ref int value, uint length);

    // An older kernel refuses the option (ENOPROTOOPT): the kernel filter's "inbound" still keeps those frames out.
    private static bool IgnoreOutgoing(int descriptor)
    {
        var on = 1;
        return SetSocketOption(descriptor, PacketLevel, PacketIgnoreOutgoing, ref on, sizeof(int)) == 0;
    }

    /// <summary>struct bpf_program: the instruction count and the instructions (struct bpf_insn, laid out as the kernel's sock_filter).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct BpfProgram
    {
        public uint Length;
        public IntPtr Instructions;
    }

    /// <summary>struct sock_fprog, what SO_ATTACH_FILTER takes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SocketFilterProgram
    {
        public ushort Length;
        public IntPtr Instructions;
    }

    [DllImport("libpcap.so.0.8", EntryPoint = "pcap_stats")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ReadStatistics(IntPtr handle, ref PcapStatistics statistics);





    /// <summary>Linux's struct pcap_stat: three u_int.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PcapStatistics
    {
        public uint Received;
        public uint Dropped;
        public uint InterfaceDropped;
    }



    // SharpPcap does not expose pcap_setdirection; libpcap itself is already loaded by SharpPcap.
    [DllImport("libpcap.so.0.8", EntryPoint = "pcap_setdirection")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetDirection(IntPtr handle, int direction);
}
