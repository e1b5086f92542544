namespace Forwarder.CaptureBuilder.Frames;

/// <summary>The TCP flag bits as they sit in the header's flags byte.</summary>
[Flags]
public enum TcpControlBits : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
}
