using Forwarder.Core.Frames;

namespace Forwarder.Core.Masquerading;

/// <summary>One masqueraded flow: an inside host's endpoint, the remote endpoint, and the public port standing for it.</summary>
public struct MasqueradeEntry
{
    public byte Protocol;
    public InetAddress InsideAddress;
    public ushort InsidePort;
    public InetAddress RemoteAddress;
    public ushort RemotePort;
    public ushort PublicPort;
    public bool SeenReply;
    public bool Closing;
    public long ExpiresAt;
    public bool InUse;
}
