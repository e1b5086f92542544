using System.Globalization;
using System.Net.Sockets;

namespace Forwarder.Ipvsadm.Control;

/// <summary>Who is at the other end of a Unix-domain socket, as the kernel vouches for it (SO_PEERCRED's struct ucred).</summary>
public readonly record struct PeerCredentials(int ProcessId, uint UserId, uint GroupId)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int UcredBytes = 12;

    /// <summary>The credentials the peer had when it connected (pid, uid, gid in the machine's byte order).</summary>
    public static PeerCredentials Of(Socket socket)
    {
        var ucred = new byte[UcredBytes];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        if (length < UcredBytes)
        {
            throw new SocketException((int)SocketError.ProtocolOption);
        }
        return new PeerCredentials(BitConverter.ToInt32(ucred, 0), BitConverter.ToUInt32(ucred, 4), BitConverter.ToUInt32(ucred, 8));
    }

    /// <summary>This process's own, with its effective uid and gid (from /proc/self/status, so no native call is needed).</summary>
    public static PeerCredentials OfThisProcess()
    {
        uint userId = 0, groupId = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            // "Uid:	real	effective	saved	filesystem"
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                userId = EffectiveId(line);
            }
            else if (line.StartsWith("Gid:", StringComparison.Ordinal))
            {
                groupId = EffectiveId(line);
            }
        }
        return new PeerCredentials(Environment.ProcessId, userId, groupId);
    }

    private static uint EffectiveId(string line) =>
        uint.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
}
