import type { Rng } from './random';

/**
 * Synthetic but plausible place names: two-syllable roots such as 青山 or 龙井
 * (with pinyin for the English name), or road names such as 中华北路 for the
 * old urban subdistricts. Names are unique per book (one book per district).
 */
type Syllable = readonly [zh: string, pinyin: string];

const FIRST: readonly Syllable[] = [
  ['青', 'qing'], ['龙', 'long'], ['金', 'jin'], ['云', 'yun'], ['白', 'bai'], ['黔', 'qian'], ['花', 'hua'],
  ['松', 'song'], ['桃', 'tao'], ['枫', 'feng'], ['兴', 'xing'], ['宝', 'bao'], ['太', 'tai'], ['华', 'hua'],
  ['新', 'xin'], ['安', 'an'], ['长', 'chang'], ['平', 'ping'], ['永', 'yong'], ['富', 'fu'], ['南', 'nan'],
  ['北', 'bei'], ['东', 'dong'], ['西', 'xi'], ['水', 'shui'], ['石', 'shi'], ['竹', 'zhu'], ['梅', 'mei'],
  ['凤', 'feng'], ['鹿', 'lu'], ['马', 'ma'], ['高', 'gao'], ['阳', 'yang'], ['红', 'hong'], ['黄', 'huang'],
  ['大', 'da'], ['小', 'xiao'], ['双', 'shuang'], ['三', 'san'], ['麦', 'mai'], ['杨', 'yang'], ['柳', 'liu'],
  ['茶', 'cha'], ['沙', 'sha'], ['碧', 'bi'], ['翠', 'cui'], ['瑞', 'rui'], ['明', 'ming'], ['文', 'wen'], ['和', 'he'],
];

const SECOND: readonly Syllable[] = [
  ['山', 'shan'], ['关', 'guan'], ['井', 'jing'], ['溪', 'xi'], ['河', 'he'], ['坝', 'ba'], ['寨', 'zhai'],
  ['湖', 'hu'], ['岩', 'yan'], ['坡', 'po'], ['田', 'tian'], ['桥', 'qiao'], ['冲', 'chong'], ['湾', 'wan'],
  ['林', 'lin'], ['园', 'yuan'], ['庄', 'zhuang'], ['场', 'chang'], ['堡', 'bao'], ['坪', 'ping'], ['岭', 'ling'],
  ['塘', 'tang'], ['口', 'kou'], ['江', 'jiang'], ['源', 'yuan'], ['门', 'men'], ['洞', 'dong'], ['台', 'tai'],
  ['峰', 'feng'], ['苑', 'yuan'],
];

const ROADS: readonly Syllable[] = [
  ['中华', 'Zhonghua'], ['延安', "Yan'an"], ['遵义', 'Zunyi'], ['宝山', 'Baoshan'], ['瑞金', 'Ruijin'],
  ['合群', 'Hequn'], ['威清', 'Weiqing'], ['北京', 'Beijing'], ['浣纱', 'Huansha'], ['油榨', 'Youzha'],
  ['沙冲', 'Shachong'], ['甲秀', 'Jiaxiu'], ['新华', 'Xinhua'], ['文昌', 'Wenchang'], ['省府', 'Shengfu'],
  ['飞山', 'Feishan'], ['南浦', 'Nanpu'], ['枣山', 'Zaoshan'], ['黔灵', 'Qianling'], ['盐务', 'Yanwu'],
];

const DIRECTIONS: readonly Syllable[] = [
  ['路', 'Road'], ['北路', 'North Road'], ['南路', 'South Road'], ['东路', 'East Road'], ['西路', 'West Road'],
];

export type StreetType = '街道' | '镇' | '乡';
export type CommunityType = '社区' | '村';

const STREET_EN: Record<StreetType, string> = { 街道: 'Subdistrict', 镇: 'Town', 乡: 'Township' };
const COMMUNITY_EN: Record<CommunityType, string> = { 社区: 'Community', 村: 'Village' };

export interface AreaName {
  name: string;
  nameEn: string;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export class NameBook {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Rng) {}

  private unique(make: () => AreaName, suffix: string): AreaName {
    for (let attempt = 0; attempt < 500; attempt++) {
      const candidate = make();
      if (!this.used.has(candidate.name + suffix)) {
        this.used.add(candidate.name + suffix);
        return candidate;
      }
    }
    // 1,500 roots per book: only reachable with absurd scales; numbering keeps names unique anyway.
    const fallback = make();
    const n = this.used.size;
    this.used.add(`${fallback.name}${n}${suffix}`);
    return { name: `${fallback.name}${n}`, nameEn: `${fallback.nameEn} ${n}` };
  }

  private root(): AreaName {
    const [a, pa] = this.rng.pick(FIRST);
    const [b, pb] = this.rng.pick(SECOND);
    return { name: a + b, nameEn: capitalise(pa + pb) };
  }

  private road(): AreaName {
    const [road, roadEn] = this.rng.pick(ROADS);
    const [direction, directionEn] = this.rng.pick(DIRECTIONS);
    return { name: road + direction, nameEn: `${roadEn} ${directionEn}` };
  }

  street(type: StreetType, roadNamed: boolean): AreaName {
    const base = this.unique(() => (roadNamed ? this.road() : this.root()), '#street');
    return { name: base.name + type, nameEn: `${base.nameEn} ${STREET_EN[type]}` };
  }

  community(type: CommunityType): AreaName {
    const base = this.unique(() => this.root(), '#community');
    return { name: base.name + type, nameEn: `${base.nameEn} ${COMMUNITY_EN[type]}` };
  }
}

export function gridName(community: AreaName, n: number): AreaName {
  return { name: `${community.name}第${n}网格`, nameEn: `${community.nameEn} Grid ${n}` };
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林龙潘田宋蒋谢韩唐冯邓曹彭曾肖袁许';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红建国志海燕鹏婷雪琴云飞波宇浩';

/** A synthetic person name: surname plus one or two given-name characters. */
export function personName(rng: Rng): string {
  const surname = SURNAMES.charAt(rng.int(SURNAMES.length));
  const first = GIVEN.charAt(rng.int(GIVEN.length));
  return rng.chance(0.6) ? surname + first + GIVEN.charAt(rng.int(GIVEN.length)) : surname + first;
}
