using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Forwarder.Lab.Tests.Director;

/// <summary>
/// A packet socket on one interface that sees every frame, the host's own outgoing ones too, with the metadata the
/// kernel keeps for each (struct sockaddr_ll): which way it went and the EtherType the kernel gave its skb.
/// </summary>
internal sealed class OutgoingTap : IDisposable
{
    private const int AddressFamilyPacket = 17;
    private const int SocketRaw = 3;
    private const int SocketNonBlocking = 0x800;
    private const ushort AllProtocolsNetworkOrder = 0x0300; // htons(ETH_P_ALL)
    private const byte PacketOutgoing = 4;
    private const int LinkAddressSize = 20;

    private readonly int _socket;

    public OutgoingTap(string interfaceName)
    {
        _socket = Socket(AddressFamilyPacket, SocketRaw | SocketNonBlocking, AllProtocolsNetworkOrder);
        Assert.That(_socket, Is.GreaterThanOrEqualTo(0), $"packet socket: errno {Marshal.GetLastPInvokeError()}");
        var address = new byte[LinkAddressSize];
        BinaryPrimitives.WriteUInt16LittleEndian(address, AddressFamilyPacket);
        BinaryPrimitives.WriteUInt16LittleEndian(address.AsSpan(2), AllProtocolsNetworkOrder);
        BinaryPrimitives.WriteInt32LittleEndian(address.AsSpan(4), (int)InterfaceIndex(interfaceName));
        Assert.That(Bind(_socket, address, LinkAddressSize), Is.Zero, $"bind: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>The EtherTypes (sll_protocol) of the first <paramref name="count"/> outgoing frames to <paramref name="destination"/>, in order.</summary>
    public List<int> ProtocolsOfOutgoingTo(string destination, int count)
    {
        var mac = Convert.FromHexString(destination.Replace(":", "", StringComparison.Ordinal));
        var frame = new byte[2048];
        var address = new byte[LinkAddressSize];
        var protocols = new List<int>();
        var until = DateTime.UtcNow.AddSeconds(5);
        while (protocols.Count < count && DateTime.UtcNow < until)
        {
            var length = (uint)LinkAddressSize;
            var read = ReceiveFrom(_socket, frame, (nuint)frame.Length, 0, address, ref length);
            if (read < 0)
            {
                Thread.Sleep(5);
                continue;
            }
            if (read >= 6 && address[10] == PacketOutgoing && frame.AsSpan(0, 6).SequenceEqual(mac))
            {
                protocols.Add(BinaryPrimitives.ReadUInt16BigEndian(address.AsSpan(2)));
            }
        }
        return protocols;
    }

    public void Dispose() => _ = Close(_socket);

    [DllImport("libc", EntryPoint = "if_nametoindex")]
    private static extern uint InterfaceIndex([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static extern int Socket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static extern int Bind(int socket, byte[] address, uint length);

    [DllImport("libc", EntryPoint = "recvfrom", SetLastError = true)]
    private static extern nint ReceiveFrom(int socket, byte[] buffer, nuint length, int flags, byte[] address, ref uint addressLength);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int descriptor);
}
