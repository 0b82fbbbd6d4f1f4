export default function WallPage() {
  return <main>和云指挥一张图</main>;
}
