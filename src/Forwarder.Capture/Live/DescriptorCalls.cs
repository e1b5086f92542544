using System.Runtime.InteropServices;

namespace Forwarder.Capture.Live;

/// <summary>The C library's calls the live ports wait and wake with: poll, and an eventfd's create, read, write and close.</summary>
internal static class DescriptorCalls
{
    public const short PollIn = 1;
    public const short PollOut = 4;
    public const int EventSemaphore = 1;
    public const int EventNonBlocking = 0x800;
    public const int EventCloseOnExec = 0x80000;

    [DllImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int EventDescriptor(uint initialValue, int flags);

    [DllImport("libc", EntryPoint = "read")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint ReadEvent(int descriptor, ref ulong value, nuint count);

    [DllImport("libc", EntryPoint = "write")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint WriteEvent(int descriptor, ref ulong value, nuint count);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Close(int descriptor);

    [DllImport("libc", EntryPoint = "poll")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Poll([In, Out] PollDescriptor[] descriptors, ulong count, int timeoutMilliseconds);
}

/// <summary>struct pollfd.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollDescriptor
{
    public int Descriptor;
    public short Events;
    public short ReturnedEvents;
}
