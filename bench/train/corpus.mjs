// Generated training data for bench/train.sh and docs/training.md: nothing downloaded, the same
// bytes for the same seed. `--stories N` prints N short English and Chinese stories from a small
// grammar whose later sentences repeat what earlier ones introduced (structure a model can learn
// and a unigram model cannot); `--chat N` prints N chat conversations as JSONL.
const args = process.argv.slice(2);
const mode = args[0];
const count = Number(args[1] ?? 100);
let state = BigInt(args[2] ?? 42);

// SplitMix64, as hearth-train's SplitMix64
function next() {
  state = (state + 0x9E3779B97F4A7C15n) & 0xFFFFFFFFFFFFFFFFn;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & 0xFFFFFFFFFFFFFFFFn;
  z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & 0xFFFFFFFFFFFFFFFFn;
  return z ^ (z >> 31n);
}
const pick = (list) => list[Number(next() % BigInt(list.length))];

const en = {
  names: ['Tom', 'Lily', 'Ben', 'Mia', 'Sam', 'Anna', 'Leo', 'Zoe'],
  things: ['ball', 'kite', 'boat', 'book', 'cake', 'hat', 'drum', 'lamp'],
  colours: ['red', 'blue', 'green', 'yellow', 'big', 'small', 'soft', 'new'],
  places: ['park', 'garden', 'river', 'school', 'market', 'beach'],
  friends: ['a dog', 'a cat', 'a bird', 'her mother', 'his friend', 'a teacher'],
};
const zh = {
  names: ['小明', '小红', '小华', '小丽', '小军', '小芳'],
  things: ['风筝', '小船', '书', '蛋糕', '帽子', '皮球'],
  colours: ['红色的', '蓝色的', '绿色的', '黄色的', '大大的', '小小的'],
  places: ['公园', '花园', '河边', '学校', '市场', '海边'],
  friends: ['一只小狗', '一只小猫', '妈妈', '老师', '好朋友'],
};

function englishStory() {
  const n = pick(en.names), t = pick(en.things), c = pick(en.colours), p = pick(en.places), f = pick(en.friends);
  return `${n} had a ${c} ${t}. One day ${n} took the ${t} to the ${p}. At the ${p}, ${n} met ${f}. `
    + `They played with the ${c} ${t} all day. When the sun went down, ${n} went home with the ${t} and was happy.`;
}

function chineseStory() {
  const n = pick(zh.names), t = pick(zh.things), c = pick(zh.colours), p = pick(zh.places), f = pick(zh.friends);
  return `${n}有一个${c}${t}。有一天，${n}带着${t}去了${p}。在${p}，${n}遇见了${f}。`
    + `他们一起玩${c}${t}，玩了一整天。太阳下山了，${n}带着${t}回家，心里很高兴。`;
}

if (mode === '--stories') {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(next() % 3n === 0n ? chineseStory() : englishStory(), '');
  }
  process.stdout.write(out.join('\n'));
} else if (mode === '--chat') {
  for (let i = 0; i < count; i++) {
    // the place follows from the thing, so a fine-tuned model answers with confidence
    const n = pick(en.names), i = Number(next() % BigInt(en.things.length));
    const t = en.things[i], p = en.places[i % en.places.length];
    const messages = [
      { role: 'user', content: `Where did ${n} take the ${t}?` },
      { role: 'assistant', content: `${n} took the ${t} to the ${p}.` },
    ];
    process.stdout.write(JSON.stringify({ messages }) + '\n');
  }
} else {
  process.stderr.write('usage: node corpus.mjs --stories N [SEED] | --chat N [SEED]\n');
  process.exit(2);
}
