using System.Runtime.InteropServices;
using Forwarder.Core.Transmit;

namespace Forwarder.Capture.Live;

/// <summary>
/// Sends a whole batch out of one interface with as few system calls as Linux allows: an AF_PACKET socket bound
/// to the interface, receiving nothing (protocol 0), and one <c>sendmmsg</c> for every frame of the batch that
/// leaves by it — where libpcap's <c>pcap_sendpacket</c> costs a <c>send</c> a frame. Optionally past the queueing
/// discipline (<c>PACKET_QDISC_BYPASS</c>) — off by default, since the bypass also hides the frames from tcpdump on
/// the director's own interfaces, which operators read. The batch's buffer must be
/// pinned: the kernel is handed each frame's address. One thread sends; the counts may be read from any.
/// </summary>
public sealed class PacketSocketSender : IDisposable
{
    private const int AddressFamilyPacket = 17;
    private const int SocketRaw = 3;
    private const int SocketCloseOnExec = 0x80000;
    private const int SolPacket = 263;
    private const int PacketQdiscBypass = 20;
    private const int PacketVnetHeader = 15;
    private const int DontWait = 0x40;
    private const int ErrorInterrupted = 4;
    private const int ErrorAgain = 11;
    private const int ErrorNoBuffers = 105;

    // struct sockaddr_ll (to bind with), struct iovec and struct mmsghdr (a struct msghdr and the length sent) on 64-bit Linux.
    private const int LinkAddressSize = 20;
    private const int VectorSize = 16;
    private const int MessageSize = 64;

    /// <summary>Tries of one frame the kernel has no room for before it is counted as a failure.</summary>
    private const int TriesWhenFull = 3;

    private readonly int _socket;
    private readonly int _interfaceIndex;
    private readonly int _capacity;
    private readonly IntPtr _messages;
    private readonly IntPtr _vectors;
    private readonly PollDescriptor[] _writable = new PollDescriptor[1];
    // With segmentation offload: each message's virtio_net_hdr, pinned, written before its frame (SegmentationOffload).
    private readonly int _segmentationMtu;
    private readonly byte[]? _offloadHeaders;
    private long _offloaded;
    private long _sent;
    private long _failures;
    private long _systemCalls;

    /// <param name="capacity">The most frames one call hands over (a batch's frame count).</param>
    /// <param name="segmentationMtu">
    /// Above 0: the socket takes a <c>virtio_net_hdr</c> before each frame (<c>PACKET_VNET_HDR</c>), so TCP segments
    /// with a partial checksum — GRO's merged frames among them — are finished and cut to this MTU by the kernel.
    /// </param>
    public PacketSocketSender(string interfaceName, int capacity = 256, bool bypassQueueingDiscipline = false, int segmentationMtu = 0)
    {
        Name = interfaceName;
        _capacity = capacity;
        _interfaceIndex = (int)InterfaceIndex(interfaceName);
        if (_interfaceIndex == 0)
        {
            throw new InvalidOperationException($"{interfaceName}: no such interface (if_nametoindex: errno {Marshal.GetLastPInvokeError()})");
        }
        _socket = Socket(AddressFamilyPacket, SocketRaw | SocketCloseOnExec, 0);
        if (_socket < 0)
        {
            throw new InvalidOperationException($"{interfaceName}: cannot open a packet socket to send with (errno {Marshal.GetLastPInvokeError()})");
        }
        var bound = new byte[LinkAddressSize];
        WriteLinkAddress(bound);
        if (Bind(_socket, bound, LinkAddressSize) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = DescriptorCalls.Close(_socket);
            throw new InvalidOperationException($"{interfaceName}: cannot bind the packet socket (errno {errno})");
        }
        var one = 1;
        if (segmentationMtu > 0 && SetOption(_socket, SolPacket, PacketVnetHeader, ref one, sizeof(int)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = DescriptorCalls.Close(_socket);
            throw new InvalidOperationException($"{interfaceName}: the packet socket refuses virtio-net headers (PACKET_VNET_HDR: errno {errno})");
        }
        _segmentationMtu = segmentationMtu;
        var vectorsPerMessage = segmentationMtu > 0 ? 2 : 1;
        _offloadHeaders = segmentationMtu > 0 ? GC.AllocateArray<byte>(SegmentationOffload.HeaderLength * capacity, pinned: true) : null;
        BypassesQueueingDiscipline = bypassQueueingDiscipline && SetOption(_socket, SolPacket, PacketQdiscBypass, ref one, sizeof(int)) == 0;
        _messages = Marshal.AllocHGlobal(MessageSize * capacity);
        _vectors = Marshal.AllocHGlobal(VectorSize * vectorsPerMessage * capacity);
        for (var i = 0; i < MessageSize * capacity; i += 8)
        {
            Marshal.WriteInt64(_messages, i, 0);
        }
        for (var i = 0; i < capacity; i++)
        {
            // No address in the message: the frame leaves by the interface the socket is bound to, and the kernel
            // reads its EtherType from the Ethernet header (the socket's protocol is 0; Linux 5.1 and later). An
            // address would cost a copy and an interface lookup per frame in sendmmsg.
            var message = _messages + (i * MessageSize);
            Marshal.WriteIntPtr(message, 16, _vectors + (i * VectorSize * vectorsPerMessage));
            Marshal.WriteInt64(message, 24, vectorsPerMessage);
            if (_offloadHeaders is not null)
            {
                // The first vector is the message's header, always there; the second, its frame, is set per send.
                var vector = _vectors + (i * VectorSize * 2);
                Marshal.WriteIntPtr(vector, 0, Marshal.UnsafeAddrOfPinnedArrayElement(_offloadHeaders, i * SegmentationOffload.HeaderLength));
                Marshal.WriteInt64(vector, 8, SegmentationOffload.HeaderLength);
            }
        }
        _writable[0] = new PollDescriptor { Descriptor = _socket, Events = DescriptorCalls.PollOut };
    }

    public string Name { get; }

    /// <summary>Whether the kernel took PACKET_QDISC_BYPASS (frames go straight to the driver).</summary>
    public bool BypassesQueueingDiscipline { get; }

    public long Sent => Interlocked.Read(ref _sent);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Frames handed over with their checksum to finish or their segment to cut (segmentation offload only).</summary>
    public long Offloaded => Interlocked.Read(ref _offloaded);

    /// <summary>sendmmsg calls made: frames sent per call is the batching achieved.</summary>
    public long SystemCalls => Interlocked.Read(ref _systemCalls);

    /// <summary>
    /// Sends every frame of <paramref name="batch"/> that leaves by <paramref name="interfaceIndex"/>, in order.
    /// A frame the kernel has no room for is tried again after waiting (briefly) for room, then counted as failed.
    /// Returns how many were sent.
    /// </summary>
    public int Send(OutputBatch batch, int interfaceIndex)
    {
        if (!batch.IsPinned)
        {
            throw new ArgumentException("the batch's buffer must be pinned to be sent by address", nameof(batch));
        }
        var buffer = Marshal.UnsafeAddrOfPinnedArrayElement(batch.Buffer, 0);
        var pending = 0;
        var sent = 0;
        var offloaded = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.InterfaceAt(i) != interfaceIndex)
            {
                continue;
            }
            if (pending == _capacity)
            {
                sent += Flush(pending);
                pending = 0;
            }
            var offset = batch.OffsetAt(i);
            var length = batch.LengthAt(i);
            var vector = _vectors + (pending * VectorSize);
            if (_offloadHeaders is not null)
            {
                vector = _vectors + (((pending * 2) + 1) * VectorSize);
                var header = _offloadHeaders.AsSpan(pending * SegmentationOffload.HeaderLength, SegmentationOffload.HeaderLength);
                if (SegmentationOffload.Describe(batch.Buffer.AsSpan(offset, length), _segmentationMtu, header))
                {
                    offloaded++;
                }
            }
            Marshal.WriteIntPtr(vector, 0, buffer + offset);
            Marshal.WriteInt64(vector, 8, length);
            pending++;
        }
        if (pending > 0)
        {
            sent += Flush(pending);
        }
        if (offloaded > 0)
        {
            Interlocked.Add(ref _offloaded, offloaded);
        }
        return sent;
    }

    /// <summary>Hands the first <paramref name="count"/> prepared messages to the kernel, as many calls as it takes.</summary>
    private int Flush(int count)
    {
        var done = 0;
        var sent = 0;
        var triesOfFirst = 0;
        while (done < count)
        {
            var result = SendMessages(_socket, _messages + (done * MessageSize), (uint)(count - done), DontWait);
            Interlocked.Increment(ref _systemCalls);
            if (result > 0)
            {
                done += result;
                sent += result;
                triesOfFirst = 0;
                continue;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ErrorInterrupted)
            {
                continue;
            }
            if ((errno == ErrorAgain || errno == ErrorNoBuffers) && ++triesOfFirst < TriesWhenFull)
            {
                // The socket's send buffer is full: wait a moment for the device to take what it has.
                _writable[0].ReturnedEvents = 0;
                _ = DescriptorCalls.Poll(_writable, 1, 1);
                continue;
            }
            // This frame cannot go (too long for the device, the device down, no room after waiting): count it, go on.
            Interlocked.Increment(ref _failures);
            done++;
            triesOfFirst = 0;
        }
        Interlocked.Add(ref _sent, sent);
        return sent;
    }

    /// <summary>sockaddr_ll for the interface, with protocol 0: the socket receives nothing.</summary>
    private void WriteLinkAddress(byte[] address)
    {
        BitConverter.TryWriteBytes(address.AsSpan(0, 2), (ushort)AddressFamilyPacket);
        BitConverter.TryWriteBytes(address.AsSpan(4, 4), _interfaceIndex);
    }

    public void Dispose()
    {
        _ = DescriptorCalls.Close(_socket);
        Marshal.FreeHGlobal(_messages);
        Marshal.FreeHGlobal(_vectors);
    }

    [DllImport("libc", EntryPoint = "if_nametoindex", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint InterfaceIndex([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Socket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "bind", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Bind(int socket, byte[] address, uint length);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetOption(int socket, int level, int option, ref int value, uint length);

    [DllImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendMessages(int socket, IntPtr messages, uint count, int flags);



}
