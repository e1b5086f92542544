namespace Forwarder.CaptureBuilder.Frames;

/// <summary>
/// SYN option blocks exactly as the two stacks in the seed lay them out; the order differs
/// between stacks and tcpdump prints it verbatim, so it is part of the golden text.
/// </summary>
public static class TcpOptionLayouts
{
    private const byte NoOperation = 1;
    private const byte MaximumSegmentSize = 2;
    private const byte WindowScale = 3;
    private const byte SackPermitted = 4;

    /// <summary>Windows 7/10 SYN: mss 1460,nop,wscale 8,nop,nop,sackOK.</summary>
    public static ReadOnlyMemory<byte> WindowsSyn { get; } = new byte[]
    {
        MaximumSegmentSize, 4, 0x05, 0xb4,
        NoOperation, WindowScale, 3, 8,
        NoOperation, NoOperation, SackPermitted, 2,
    };

    /// <summary>Linux SYN-ACK to a peer without timestamps: mss 1460,nop,nop,sackOK,nop,wscale 7.</summary>
    public static ReadOnlyMemory<byte> LinuxSynAck { get; } = new byte[]
    {
        MaximumSegmentSize, 4, 0x05, 0xb4,
        NoOperation, NoOperation, SackPermitted, 2,
        NoOperation, WindowScale, 3, 7,
    };
}
