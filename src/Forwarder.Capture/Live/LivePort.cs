using System.Runtime.InteropServices;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Forwarder.Capture.Live;

/// <summary>
/// One network interface the director captures from and injects into, through libpcap: promiscuous,
/// immediate mode (no batching delay), inbound frames only — so the director never sees its own
/// injected frames — and a kernel (BPF) filter so only frames it may have to handle reach user space.
/// </summary>
public sealed class LivePort : IDisposable
{
    private const int PcapDirectionIn = 1;
    private const short PollIn = 1;
    private readonly LibPcapLiveDevice _device;
    private readonly PollDescriptor[] _poll = new PollDescriptor[1];
    private readonly int _readTimeoutMilliseconds;

    public LivePort(string interfaceName, string filter, int readTimeoutMilliseconds = 50)
    {
        Name = interfaceName;
        _device = LibPcapLiveDeviceList.New()[interfaceName]
            ?? throw new InvalidOperationException($"{interfaceName}: no such interface for libpcap");
        _device.Open(new DeviceConfiguration
        {
            Mode = DeviceModes.Promiscuous,
            Immediate = true,
            Snaplen = 65535,
            ReadTimeout = readTimeoutMilliseconds,
            BufferSize = 16 << 20,
        });
        if (SetDirection(_device.Handle.DangerousGetHandle(), PcapDirectionIn) != 0)
        {
            throw new InvalidOperationException($"{interfaceName}: libpcap cannot restrict capture to inbound frames");
        }
        _device.Filter = filter;
        // In immediate mode libpcap's own read can block past its timeout, so the port reads without
        // blocking and waits on the capture's descriptor itself: a stop request is seen within the timeout.
        _device.NonBlockingMode = true;
        _readTimeoutMilliseconds = readTimeoutMilliseconds;
        _poll[0] = new PollDescriptor { Descriptor = SelectableDescriptor(_device.Handle.DangerousGetHandle()), Events = PollIn };
    }

    public string Name { get; }

    public long Sent { get; private set; }

    public long SendFailures { get; private set; }

    /// <summary>
    /// Copies the next captured frame into <paramref name="buffer"/> (its length and time in µs), or returns
    /// false after the read timeout. Reads libpcap's own header and data pointers: nothing is allocated per frame.
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
            if (Poll(_poll, 1, _readTimeoutMilliseconds) <= 0 || _device.GetNextPacketPointers(ref header, ref data) != 1)
            {
                return false;
            }
        }
        // struct pcap_pkthdr on 64-bit Linux: struct timeval (two longs), then caplen and len (two uints).
        var seconds = Marshal.ReadInt64(header, 0);
        var microseconds = Marshal.ReadInt64(header, 8);
        length = Math.Min(Marshal.ReadInt32(header, 16), buffer.Length);
        Marshal.Copy(data, buffer, 0, length);
        timestamp = (seconds * 1_000_000) + microseconds;
        return true;
    }

    public void Send(ReadOnlySpan<byte> frame)
    {
        try
        {
            _device.SendPacket(frame, null!);
            Sent++;
        }
        catch (PcapException)
        {
            SendFailures++;
        }
    }

    /// <summary>What libpcap counted: frames it received and those the kernel dropped for want of buffer.</summary>
    public (uint Received, uint Dropped, uint InterfaceDropped) Statistics()
    {
        var statistics = _device.Statistics;
        return (statistics.ReceivedPackets, statistics.DroppedPackets, statistics.InterfaceDroppedPackets);
    }

    public void Dispose() => _device.Close();

    [DllImport("libpcap.so.0.8", EntryPoint = "pcap_get_selectable_fd")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SelectableDescriptor(IntPtr handle);

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

    // SharpPcap does not expose pcap_setdirection; libpcap itself is already loaded by SharpPcap.
    [DllImport("libpcap.so.0.8", EntryPoint = "pcap_setdirection")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetDirection(IntPtr handle, int direction);
}
