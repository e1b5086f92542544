using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Forwarder.Commands;

/// <summary>
/// Where <c>run --socket</c> may put its control socket: a free path, or a stale socket (one nobody listens
/// on, left by a director that is gone). Anything else there is someone's file and is never replaced.
/// </summary>
public static class SocketPathCheck
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int FileTypeMask = 0xF000;
    private const int SocketType = 0xC000;

    /// <exception cref="IOException">The path holds something that is not a stale socket.</exception>
    public static void EnsureUsable(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"--socket {path}: is a directory; not replacing it");
        }
        if (TypeOf(path) is not { } type)
        {
            return;
        }
        if (type != SocketType)
        {
            throw new IOException($"--socket {path}: exists and is not a socket; not replacing it");
        }
        using var probe = new Socket(AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            return; // nobody answers: stale, the control server replaces it
        }
        throw new IOException($"--socket {path}: a director is already listening there");
    }

    /// <summary>The file type bits of <paramref name="path"/> itself (a symbolic link is not followed), or null where nothing is.</summary>
    private static int? TypeOf(string path)
    {
        // statx's layout is the same on every architecture (struct stat's is not): stx_mode is the u16 at 28.
        var buffer = new byte[256];
        if (Statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return null;
        }
        return BitConverter.ToUInt16(buffer, 28) & FileTypeMask;
    }

    [DllImport("libc", EntryPoint = "statx")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int directoryDescriptor, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
